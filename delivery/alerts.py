"""Funding alerts: deciding which calls to alert, update or remind about. Pure, no I/O.

A call is alerted once when first seen (if the authority may enter and it passes the profile's
threshold), once more per change of deadline or amounts ("updated"), and reminded at each
configured offset before closing. Each alert has a key; the delivery state sends a key once per
channel.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from delivery.items import reason_text, source_name
from delivery.ranking import funding_facts, region_relevance
from delivery.text import clip, money
from warehouse.config.profiles import Profile
from warehouse.deadlines import deadline, is_closed
from warehouse.delivery_state import AlertedCall
from warehouse.records import FundingFacts, ScoredDocument

AlertKind = Literal["new", "updated", "reminder"]


class FundingAlert(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    kind: AlertKind
    profile: str
    authority: str
    document_id: uuid.UUID
    title: str
    url: str
    source: str
    funder: str
    amount: str
    opens_at: datetime | None
    closes_at: datetime | None
    applicants: str
    eligibility: str
    reason: str
    fingerprint: str
    offset_days: int | None = None
    changes: list[str] = Field(default_factory=list)
    # Its best theme as shown (for the feedback links): id, display name, score, heads version.
    theme: str = ""
    theme_name: str = ""
    theme_score: float | None = None
    model_version: str = ""


def _facts(scored: ScoredDocument) -> FundingFacts:
    return funding_facts(scored) or FundingFacts()


def fingerprint(scored: ScoredDocument) -> str:
    """The facts an alert announces, as a stable readable string: a change means an update."""
    facts = _facts(scored)
    closes = deadline(scored)
    opens = scored.document.opens_at or facts.opens_at
    fields = {
        "closes": closes.isoformat() if closes else "",
        "opens": opens.isoformat() if opens else "",
        "total": f"{facts.total_amount_gbp:.0f}" if facts.total_amount_gbp is not None else "",
        "max": f"{facts.max_award_gbp:.0f}" if facts.max_award_gbp is not None else "",
        "min": f"{facts.min_award_gbp:.0f}" if facts.min_award_gbp is not None else "",
    }
    return ";".join(f"{k}={v}" for k, v in fields.items())


def _parse_fingerprint(value: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in value.split(";") if "=" in part)


def describe_changes(before: str, after: str) -> list[str]:
    names = {"closes": "closing date", "opens": "opening date", "total": "total",
             "max": "maximum award", "min": "minimum award"}
    old, new = _parse_fingerprint(before), _parse_fingerprint(after)
    return [f"{names[k]}: {old.get(k) or 'none'} → {new.get(k) or 'none'}"
            for k in names if old.get(k, "") != new.get(k, "")]


def relevance(scored: ScoredDocument) -> float:
    best = max((t.score for t in scored.themes), default=0.0)
    return max(best, region_relevance(scored))


def qualifies(scored: ScoredDocument, profile: Profile, now: datetime) -> bool:
    """The authority may enter it, it is still open, and it passes the profile's threshold."""
    options = profile.alerts
    facts = _facts(scored)
    if is_closed(scored, now):
        return False
    if facts.eligible_for_authority is False:
        return False
    if facts.eligible_for_authority is None and not options.include_unknown_eligibility:
        return False
    amount = facts.max_award_gbp or facts.total_amount_gbp
    if options.min_amount_gbp is not None and amount is not None \
            and amount < options.min_amount_gbp:
        return False
    return relevance(scored) >= options.min_relevance


def due_reminder(closes: datetime | None, offsets: list[int], now: datetime,
                 first_alerted_at: datetime) -> int | None:
    """The offset whose reminder is due now: the latest one passed, if the office was told of
    the call before it (a call first alerted inside an offset gets no reminder for it)."""
    if closes is None or now >= closes:
        return None
    due = [o for o in offsets if closes - timedelta(days=o) <= now]
    if not due:
        return None
    offset = min(due)
    return offset if closes - timedelta(days=offset) > first_alerted_at else None


def _alert(scored: ScoredDocument, profile: Profile, kind: AlertKind, key: str,
           fp: str, source_names: dict[str, str] | None = None, **extra) -> FundingAlert:
    document = scored.document
    facts = _facts(scored)
    amount = money(facts.max_award_gbp)
    amount = f"up to {amount} per award" if amount else money(facts.total_amount_gbp)
    if facts.total_amount_gbp and facts.max_award_gbp:
        amount += f" ({money(facts.total_amount_gbp)} in total)"
    best = scored.best_theme
    names = {theme.id: theme.name for theme in profile.themes}
    shown = {"theme": best.theme, "theme_name": names.get(best.theme, best.theme),
             "theme_score": best.score, "model_version": best.model_version} if best else {}
    return FundingAlert(
        key=key, kind=kind, profile=profile.id, authority=profile.short_name,
        document_id=document.id, title=clip(document.title, 300), url=document.url,
        source=source_name(document.source, source_names),
        funder=clip(facts.funder or ", ".join(document.organisations[:2]), 200),
        amount=amount or "not stated", opens_at=document.opens_at or facts.opens_at,
        closes_at=deadline(scored),
        applicants=", ".join(a.value.replace("_", " ") for a in facts.eligible_applicants)
        or "not stated",
        eligibility=clip(facts.eligibility_reason, 300), reason=reason_text(scored, profile),
        fingerprint=fp, **shown, **extra,
    )


def plan_alerts(
    candidates: list[ScoredDocument], profile: Profile, *, now: datetime, since: datetime,
    alerted: dict[uuid.UUID, AlertedCall], source_names: dict[str, str] | None = None,
) -> list[FundingAlert]:
    """New, updated and reminder alerts due now; keys already sent are filtered later. Sources
    are shown by their display names (config/sources.yaml), as in the digest."""
    alerts: list[FundingAlert] = []
    for scored in sorted(candidates, key=lambda s: (s.first_seen_at, s.document.url)):
        doc_id = scored.document.id
        fp = fingerprint(scored)
        known = alerted.get(doc_id)
        if known is None:
            if scored.first_seen_at <= since or not qualifies(scored, profile, now):
                continue
            alerts.append(_alert(scored, profile, "new", f"{profile.id}:{doc_id}:new", fp,
                                 source_names))
            first_alerted = now
        else:
            first_alerted = known.first_alerted_at
            if known.fingerprint != fp:
                digest = hashlib.sha256(fp.encode()).hexdigest()[:16]
                alerts.append(_alert(scored, profile, "updated",
                                     f"{profile.id}:{doc_id}:updated:{digest}", fp, source_names,
                                     changes=describe_changes(known.fingerprint, fp)))
        closes = deadline(scored)
        offset = due_reminder(closes, profile.alerts.reminder_offsets_days, now, first_alerted)
        if offset is not None and closes is not None:
            key = f"{profile.id}:{doc_id}:reminder:{closes:%Y%m%dT%H%M%z}:{offset}d"
            alerts.append(_alert(scored, profile, "reminder", key, fp, source_names,
                                 offset_days=offset))
    return alerts
