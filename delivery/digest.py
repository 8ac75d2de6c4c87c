"""Building the daily digest from scored documents: pure, no I/O (rendering is in render.py).

Sections, in order: Actions due, Threats, Opportunities (by theme), Funding, In Parliament,
Also on the themes (by theme), Emerging. Each document appears once, in the first section that
claims it; a story told by several sources appears once, the others folded under it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from delivery.health import SourceHealth
from delivery.items import DigestItem, RelatedLink, build_item, regional_mentions
from delivery.mps_section import MpLine
from delivery.ranking import deadline, funding_facts, rank_score, region_relevance
from delivery.text import clip
from warehouse.profiles import Profile
from warehouse.records import DocumentKind, ScoredDocument, Signal

SECTION_TITLES = {
    "actions": "Actions due",
    "threats": "Threats",
    "opportunities": "Opportunities",
    "funding": "Funding",
    "parliament": "In Parliament",
    "developments": "Also on the Mayor's themes",
    "emerging": "Emerging",
}
GROUPED_BY_THEME = {"opportunities", "developments"}
ACTION_KINDS = {DocumentKind.CONSULTATION, DocumentKind.CALL_FOR_EVIDENCE}
FUNDING_KINDS = {DocumentKind.FUNDING_CALL, DocumentKind.GRANT, DocumentKind.TENDER}
PARLIAMENT_KINDS = {DocumentKind.DEBATE, DocumentKind.WRITTEN_QUESTION,
                    DocumentKind.WRITTEN_STATEMENT, DocumentKind.BILL}
REGION_GROUP = "Across the region"


class DigestGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str  # the theme, or "" for an ungrouped section
    items: list[DigestItem]
    more: int = 0  # left out by the per-section cap


class DigestSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    groups: list[DigestGroup]

    @property
    def count(self) -> int:
        return sum(len(g.items) + g.more for g in self.groups)


class VolumeBar(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    count: int
    percent: int  # bar width relative to the busiest theme


class Digest(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile_id: str
    authority: str
    day: date
    sections: list[DigestSection]
    new_items: int
    unmatched_items: int
    volume: list[VolumeBar] = Field(default_factory=list)
    health: SourceHealth = Field(default_factory=lambda: SourceHealth(problems=[], healthy=0))
    mps: list[MpLine] = Field(default_factory=list)  # "Our MPs this week" (delivery/mps_section)

    def count(self, key: str) -> int:
        return next((s.count for s in self.sections if s.key == key), 0)

    @property
    def matched_items(self) -> int:
        return sum(s.count for s in self.sections)

    @property
    def quiet(self) -> bool:
        """Nothing new made it into any section (deadlines carried over do not count)."""
        return not any(i.new for s in self.sections for g in s.groups for i in g.items)

    @property
    def subject(self) -> str:
        if self.quiet:
            return f"Horizon {self.day:%-d %b}: quiet day, nothing new"
        labels = (("threats", "threat", "threats"), ("opportunities", "opportunity",
                  "opportunities"), ("actions", "deadline", "deadlines"),
                  ("funding", "funding item", "funding items"),
                  ("parliament", "in Parliament", "in Parliament"),
                  ("developments", "other on themes", "other on themes"),
                  ("emerging", "emerging", "emerging"))
        parts = [f"{n} {one if n == 1 else many}" for key, one, many in labels
                 if (n := self.count(key))]
        return f"Horizon {self.day:%-d %b}: " + ", ".join(parts)


def _is_funding(scored: ScoredDocument) -> bool:
    facts = funding_facts(scored)
    has_money = facts is not None and (facts.total_amount_gbp or facts.max_award_gbp
                                       or facts.closes_at)
    return scored.document.kind in FUNDING_KINDS or bool(has_money)


def _closing_soon(scored: ScoredDocument, now: datetime, window_days: int) -> bool:
    closes = deadline(scored)
    if closes is None or not now <= closes <= now + timedelta(days=window_days):
        return False
    return scored.document.kind in ACTION_KINDS or _is_funding(scored)


def section_for(scored: ScoredDocument, profile: Profile, now: datetime,
                cluster_size: int = 1) -> str | None:
    """The first section that claims a document, or None when it is not for this office."""
    options = profile.digest
    matched = scored.best_theme is not None
    regional = region_relevance(scored) >= options.region_threshold
    facts = funding_facts(scored)
    eligible = facts is not None and facts.eligible_for_authority is True
    relevant = matched or regional or eligible
    signal = scored.insight.signal if scored.insight is not None else Signal.NEUTRAL
    if scored.document.withdrawn_at is not None:
        return "developments" if matched else None
    if relevant and _closing_soon(scored, now, options.actions_window_days):
        return "actions"
    if relevant and signal is Signal.THREAT:
        return "threats"
    if relevant and _is_funding(scored):
        return "funding"
    if scored.document.kind in PARLIAMENT_KINDS and regional_mentions(scored, profile):
        return "parliament"
    if relevant and signal is Signal.OPPORTUNITY:
        return "opportunities"
    if matched:
        return "developments"
    if cluster_size > 1 or regional:
        return "emerging"
    return None


def _clusters(scored: list[ScoredDocument], rank: dict) -> list[list[ScoredDocument]]:
    """Documents grouped by story cluster, best-ranked first; unclustered ones stand alone."""
    groups: dict[object, list[ScoredDocument]] = defaultdict(list)
    for entry in scored:
        cluster = entry.insight.cluster_id if entry.insight is not None else None
        groups[cluster or entry.document.id].append(entry)
    return [sorted(g, key=lambda e: (-rank[e.document.id], e.document.title))
            for g in groups.values()]


def _theme_name(scored: ScoredDocument, profile: Profile) -> str:
    best = scored.best_theme
    return profile.theme(best.theme).name if best is not None else REGION_GROUP


def _groups(key: str, entries: list[tuple[ScoredDocument, DigestItem]], profile: Profile
            ) -> list[DigestGroup]:
    cap = profile.digest.max_items_per_section
    if key == "actions":
        ordered = sorted(entries, key=lambda p: (p[1].closes_at, -p[1].score, p[1].title))
    else:
        ordered = sorted(entries, key=lambda p: (-p[1].score, p[1].title))
    buckets: dict[str, list[DigestItem]] = defaultdict(list)
    for scored, item in ordered:
        buckets[_theme_name(scored, profile) if key in GROUPED_BY_THEME else ""].append(item)
    return [DigestGroup(title=title, items=items[:cap], more=max(0, len(items) - cap))
            for title, items in buckets.items()]


def build_volume(volume: dict[str, int], profile: Profile) -> list[VolumeBar]:
    """Bars for the week's volume by theme, only when at least two themes had something."""
    counts = [(t.name, volume.get(t.id, 0)) for t in profile.themes if volume.get(t.id, 0)]
    if len(counts) < 2:
        return []
    top = max(count for _, count in counts)
    counts.sort(key=lambda c: (-c[1], c[0]))
    return [VolumeBar(name=name, count=count, percent=max(2, round(100 * count / top)))
            for name, count in counts]


def build_digest(
    scored: list[ScoredDocument],
    profile: Profile,
    day: date,
    *,
    now: datetime,
    open_deadlines: list[ScoredDocument] | None = None,
    volume: dict[str, int] | None = None,
    health: SourceHealth | None = None,
) -> Digest:
    """Place, rank and cap the documents changed in the window, plus deadlines still open."""
    options = profile.digest
    window_ids = {entry.document.id for entry in scored}
    carried = [e for e in open_deadlines or [] if e.document.id not in window_ids]
    rank = {e.document.id: rank_score(e, options.ranking, now, options.actions_window_days)
            for e in [*scored, *carried]}
    placed: dict[str, list[tuple[ScoredDocument, DigestItem]]] = defaultdict(list)
    unmatched = 0
    for cluster in _clusters(scored, rank):
        lead = cluster[0]
        key = section_for(lead, profile, now, cluster_size=len(cluster))
        if key is None:
            unmatched += len(cluster)
            continue
        related = [RelatedLink(title=clip(e.document.title, 200), url=e.document.url,
                               source=e.document.source) for e in cluster[1:]]
        placed[key].append((lead, build_item(lead, profile, now=now, score=rank[lead.document.id],
                                             related=related)))
    for entry in carried:
        if section_for(entry, profile, now) == "actions":
            placed["actions"].append((entry, build_item(entry, profile, now=now, new=False,
                                                        score=rank[entry.document.id])))
    sections = [DigestSection(key=key, title=title, groups=_groups(key, placed[key], profile))
                for key, title in SECTION_TITLES.items() if placed[key]]
    return Digest(
        profile_id=profile.id, authority=profile.short_name, day=day, sections=sections,
        new_items=len(scored), unmatched_items=unmatched,
        volume=build_volume(volume or {}, profile),
        health=health or SourceHealth(problems=[], healthy=0),
    )
