"""One digest item from one scored document: what it is, why it was flagged, what it costs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from delivery.ranking import deadline, funding_facts
from delivery.text import Segment, clip, extractive_summary, highlight, mentions, money
from warehouse.profiles import Profile
from warehouse.records import ScoredDocument, Signal

UK = ZoneInfo("Europe/London")
MAX_EVIDENCE_CHARS = 320
_STOPS = (".", "!", "?", "”", "…")


class ThemeChip(BaseModel):
    model_config = ConfigDict(frozen=True)

    theme_id: str
    name: str
    score: float


class RelatedLink(BaseModel):
    """Another source's take on the same story, folded under the lead item."""

    model_config = ConfigDict(frozen=True)

    title: str
    url: str
    source: str


class DigestItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    url: str
    source: str
    kind: str
    published: datetime | None
    closes_at: datetime | None  # in UK time
    days_left: int | None
    summary: str  # one or two sentences, extractive
    themes: list[ThemeChip]
    signal: str  # "threat", "opportunity" or ""
    reason: list[Segment]  # why it was flagged, matched terms marked
    speaker: str = ""
    funding: str = ""  # funder, amount, who may apply
    related: list[RelatedLink] = Field(default_factory=list)
    score: float
    new: bool = True  # changed in this digest's window (False: carried over as a deadline)
    updated: bool = False
    withdrawn: bool = False


def theme_chips(scored: ScoredDocument, profile: Profile) -> list[ThemeChip]:
    known = {theme.id: theme.name for theme in profile.themes}
    return [ThemeChip(theme_id=t.theme, name=known[t.theme], score=t.score)
            for t in scored.matched_themes if t.theme in known]


def reason_text(scored: ScoredDocument, profile: Profile) -> str:
    """Signal and its reason, best theme and its evidence, places and people, eligibility."""
    parts: list[str] = []
    insight = scored.insight
    if insight is not None and insight.signal is not Signal.NEUTRAL:
        label = insight.signal.value.capitalize()
        detail = clip(insight.signal_reason, MAX_EVIDENCE_CHARS)
        parts.append(f"{label} ({insight.signal_score:.2f})" + (f": {detail}" if detail else ""))
    best = scored.best_theme
    if best is not None and best.theme in {t.id for t in profile.themes}:
        evidence = clip(best.evidence, MAX_EVIDENCE_CHARS)
        name = profile.theme(best.theme).name
        parts.append(f"{name} ({best.score:.2f})" + (f": “{evidence}”" if evidence else ""))
    names = regional_mentions(scored, profile)
    if names:
        parts.append("Mentions " + ", ".join(dict.fromkeys(names[:6])))
    facts = funding_facts(scored)
    if facts is not None and facts.eligibility_reason:
        parts.append(clip(facts.eligibility_reason, 200))
    text = ""
    for part in parts:
        text += part if not text else (" " if text.endswith(_STOPS) else ". ") + part
    return text if not text or text.endswith(_STOPS) else text + "."


def highlight_terms(scored: ScoredDocument, profile: Profile) -> list[str]:
    matched = scored.insight.matched_terms if scored.insight is not None else []
    return [*matched, *regional_mentions(scored, profile)]


def speaker_of(scored: ScoredDocument) -> str:
    document = scored.document
    for key in ("speaker", "member", "asking_member", "answering_member"):
        if document.metadata.get(key):
            return clip(document.metadata[key], 120)
    return clip(", ".join(document.people[:2]), 120)


def funding_line(scored: ScoredDocument) -> str:
    facts = funding_facts(scored)
    if facts is None:
        return ""
    amount = money(facts.max_award_gbp)
    amount = f"up to {amount} each" if amount else money(facts.total_amount_gbp)
    applicants = ", ".join(a.value.replace("_", " ") for a in facts.eligible_applicants)
    parts = [clip(facts.funder, 120), amount, f"open to {applicants}" if applicants else ""]
    if facts.eligible_for_authority is True:
        parts.append("the authority may apply")
    elif facts.eligible_for_authority is False:
        parts.append("the authority may not apply")
    return " · ".join(p for p in parts if p)


def regional_mentions(scored: ScoredDocument, profile: Profile) -> list[str]:
    """The region's names in the document: from the enrichment, else a plain text match."""
    if scored.insight is not None:
        return [*scored.insight.places, *scored.insight.people]
    document = scored.document
    text = " ".join((document.title, document.summary, document.body_text[:20_000]))
    return mentions(text, [*profile.region.gazetteer, profile.mayor])


def build_item(scored: ScoredDocument, profile: Profile, *, now: datetime, score: float,
               new: bool = True, related: list[RelatedLink] | None = None) -> DigestItem:
    document = scored.document
    closes = deadline(scored)
    insight = scored.insight
    signal = insight.signal.value if insight and insight.signal is not Signal.NEUTRAL else ""
    return DigestItem(
        title=clip(document.title, 300),
        url=document.url,
        source=document.source,
        kind=document.kind.value.replace("_", " "),
        published=document.published_at or document.updated_at,
        closes_at=closes.astimezone(UK) if closes else None,
        days_left=(closes.astimezone(UK).date() - now.astimezone(UK).date()).days
        if closes else None,
        summary=extractive_summary(document.summary, document.body_text),
        themes=theme_chips(scored, profile),
        signal=signal,
        reason=highlight(reason_text(scored, profile), highlight_terms(scored, profile)),
        speaker=speaker_of(scored),
        funding=funding_line(scored),
        related=related or [],
        score=round(score, 4),
        new=new,
        updated=scored.version > 1,
        withdrawn=document.withdrawn_at is not None,
    )
