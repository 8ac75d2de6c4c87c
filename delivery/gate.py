"""The digest's relevance gate: which scored documents the Chief of Staff should see at all.

An item enters when it is about the region, local or devolved government, or the Mayor's themes
with enough confidence. Overseas, defence, other nations' and farming items stay out unless they
name the region; prison statements stay out even then; another region's news is not ours; the
authority's own tenders are set apart; items published long before the digest's day (a first
run, a backfill) are stored but not listed. Pure; the terms live in config/digest_gate.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

from delivery.ranking import funding_facts, region_relevance
from delivery.text import mentions
from warehouse.config.profiles import Profile
from warehouse.deadlines import deadline
from warehouse.records import DocumentKind, ScoredDocument

DEFAULT_TERMS = Path(__file__).resolve().parents[1] / "config" / "digest_gate.yaml"
BODY_CHARS = 3_000

INCLUDE, EXCLUDE, OWN_NOTICE, BACKFILL, NOT_YET = "include", "exclude", "own", "backfill", "later"


@dataclass(frozen=True)
class GateTerms:
    local_government: re.Pattern[str]
    off_remit: dict[str, re.Pattern[str]]
    always_out: dict[str, re.Pattern[str]]
    other_regions: list[str]


@dataclass(frozen=True)
class Verdict:
    decision: str  # include, exclude, own, backfill, later
    reason: str


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


def parse_gate_terms(data: dict) -> GateTerms:
    return GateTerms(
        local_government=_rx(data["local_government"]),
        off_remit={k: _rx(v) for k, v in data.get("off_remit", {}).items()},
        always_out={k: _rx(v) for k, v in data.get("always_out", {}).items()},
        other_regions=list(data.get("other_regions", [])),
    )


@cache
def load_gate_terms(path: Path = DEFAULT_TERMS) -> GateTerms:
    return parse_gate_terms(yaml.safe_load(path.read_text(encoding="utf-8")))


def own_names(profile: Profile) -> list[str]:
    """The authority's own names: its region, full and short name and aliases."""
    return [n for n in dict.fromkeys([profile.region.name, profile.name, profile.short_name,
                                      *profile.region.aliases]) if n]


def _ours(name: str, profile: Profile) -> bool:
    low = name.lower()
    return any(low == own.lower() or own.lower() in low or low in own.lower()
               for own in [*own_names(profile), *profile.region.councils])


def names_region(scored: ScoredDocument, profile: Profile) -> bool:
    """The item names the region (a place, council, organisation, MP or the Mayor)."""
    if scored.insight is not None and (scored.insight.places or scored.insight.people):
        return True
    document = scored.document
    text = " ".join((document.title, document.summary, document.body_text[:20_000]))
    names = [*own_names(profile), *profile.region.gazetteer, profile.mayor]
    return bool(mentions(text, names))


def is_own_notice(scored: ScoredDocument, profile: Profile) -> bool:
    """A tender the authority itself published: its buyer is one of the authority's names."""
    document = scored.document
    if document.kind is not DocumentKind.TENDER:
        return False
    facts = funding_facts(scored)
    buyer = str(document.metadata.get("buyer") or (facts.funder if facts else "") or "")
    return bool(buyer) and any(buyer.lower() == n.lower() or n.lower() in buyer.lower()
                               for n in own_names(profile) if len(n) > 3 or n.isupper())


def judge(scored: ScoredDocument, profile: Profile, now: datetime,
          terms: GateTerms | None = None) -> Verdict:
    """Whether one document enters the digest judged at `now` (the digest's 07:00)."""
    terms = terms or load_gate_terms()
    options = profile.digest
    document = scored.document
    published = document.published_at or document.updated_at
    closes = deadline(scored)
    if published is not None and published > now + timedelta(hours=17):
        return Verdict(NOT_YET, "published after the digest's day")
    if is_own_notice(scored, profile):
        return Verdict(OWN_NOTICE, "the authority's own notice")
    head = f"{document.title}\n{document.summary}"
    for name, pattern in terms.always_out.items():
        if pattern.search(head):
            return Verdict(EXCLUDE, f"off remit ({name})")
    regional = names_region(scored, profile) or region_relevance(scored) >= options.region_threshold
    if not regional:
        for name, pattern in terms.off_remit.items():
            if pattern.search(head):
                return Verdict(EXCLUDE, f"off remit ({name}) and the region is not named")
        others = [n for n in terms.other_regions if not _ours(n, profile)]
        if mentions(f"{head}\n{document.body_text[:BODY_CHARS]}", others):
            return Verdict(EXCLUDE, "another region's news")
    still_open = closes is not None and now <= closes <= now + timedelta(
        days=options.actions_window_days)
    if (published is not None and published < now - timedelta(days=options.age_window_days)
            and not still_open):
        return Verdict(BACKFILL, "published before the digest's age window")
    facts = funding_facts(scored)
    best = scored.best_theme
    if regional:
        return Verdict(INCLUDE, "about the region")
    if facts is not None and facts.eligible_for_authority is True:
        return Verdict(INCLUDE, "funding the authority may apply for")
    if terms.local_government.search(head) or (
            best is not None and terms.local_government.search(document.body_text[:BODY_CHARS])):
        return Verdict(INCLUDE, "about local or devolved government")
    if best is not None and best.score >= options.theme_confidence:
        return Verdict(INCLUDE, "on the Mayor's themes")
    return Verdict(EXCLUDE, "not about the region, local government or the themes")
