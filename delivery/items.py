"""One digest item from one scored document: what it is, why it was flagged, what it costs."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from delivery.ranking import funding_facts
from delivery.text import Segment, clip, extractive_summary, highlight, mentions, squash
from warehouse.config.profiles import Profile
from warehouse.deadlines import deadline
from warehouse.records import ScoredDocument, Signal
from warehouse.text import UK


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
    closes_label: str = "closes"  # "expressions of interest close" for a first stage
    funding: str = ""  # funder, amount, who may apply
    related: list[RelatedLink] = Field(default_factory=list)
    score: float
    new: bool = True  # changed in this digest's window (False: carried over as a deadline)
    updated: bool = False
    withdrawn: bool = False
    follow_up: bool = False  # a later document of a story an earlier digest already told
    document_id: uuid.UUID | None = None  # for the feedback links (delivery/feedback_links.py)
    model_version: str = ""  # the heads that scored its first theme


def theme_chips(scored: ScoredDocument, profile: Profile) -> list[ThemeChip]:
    known = {theme.id: theme.name for theme in profile.themes}
    return [ThemeChip(theme_id=t.theme, name=known[t.theme], score=t.score)
            for t in scored.matched_themes if known.get(t.theme, "").strip()]


_LABEL = re.compile(
    r"^\s*(?:(?:threat|opportunity|neutral)\b\s*(?:\(\s*[\d.]+\s*\))?\s*[:;,-]?\s*)+",
    re.IGNORECASE)
_SCORE = re.compile(r"\s*\(\s*[01](?:\.\d+)?\s*\)")


def plain_detail(text: str) -> str:
    """The enrichment's reason without its label or score: 'Opportunity (0.81): Opportunity:
    open funding call; money for places like ours' -> 'open funding call'."""
    text = _SCORE.sub("", _LABEL.sub("", squash(text)))
    first = re.split(r"\s*(?:;|\s-\s|\s–\s)\s*", text)[0].strip().rstrip(".")
    return clip(first, 120)


def eligibility_words(facts) -> str:
    """Who may apply, in plain words; never raw text such as 'restricted to B19 3SD'."""
    if facts is None or facts.eligible_for_authority is None:
        return ""
    if facts.eligible_for_authority:
        return "the authority may apply"
    reason = facts.eligibility_reason.lower()
    if reason.startswith("invitation"):
        return "invitation only"
    if reason.startswith("restricted"):
        return "limited to applicants elsewhere"
    if reason.startswith("open to") and reason.endswith(" only"):
        return clip(reason.replace(" only", "") + ", not the authority", 80)
    return "the authority may not apply"


def _theme_words(name: str) -> str:
    """'Housing and regeneration' inside a sentence: first letter lowered, acronyms kept."""
    first = name.split(" ")[0]
    return name if first.isupper() else name[:1].lower() + name[1:]


def reason_text(scored: ScoredDocument, profile: Profile) -> str:
    """One plain sentence: what kind of news it is for the office, on what, naming where."""
    insight = scored.insight
    best = scored.best_theme
    theme = (profile.theme(best.theme).name if best is not None
             and best.theme in {t.id for t in profile.themes} else "")
    signal = insight.signal if insight is not None else Signal.NEUTRAL
    detail = plain_detail(insight.signal_reason) if insight is not None else ""
    on = f" on {_theme_words(theme)}" if theme else ""
    if signal is Signal.THREAT:
        text = f"A risk for {profile.short_name}{on}" + (f": {detail}" if detail else "")
    elif signal is Signal.OPPORTUNITY:
        text = f"An opening for {profile.short_name}{on}" + (f": {detail}" if detail else "")
    elif theme:
        text = f"On the Mayor's {_theme_words(theme)} theme"
    else:
        text = ""
    names = [n for n in dict.fromkeys(regional_mentions(scored, profile))
             if n.lower() not in detail.lower()]
    if names:
        text += ("; names " if text else "Names ") + ", ".join(names[:4])
    text = text or f"About the {profile.region.name}"
    eligible = eligibility_words(funding_facts(scored))
    if eligible:
        text += "; " + eligible
    return text.rstrip(".") + "."


def highlight_terms(scored: ScoredDocument, profile: Profile) -> list[str]:
    matched = scored.insight.matched_terms if scored.insight is not None else []
    return [*matched, *regional_mentions(scored, profile)]


def speaker_of(scored: ScoredDocument) -> str:
    document = scored.document
    for key in ("speaker", "member", "asking_member", "answering_member"):
        if document.metadata.get(key):
            return clip(document.metadata[key], 120)
    return clip(", ".join(document.people[:2]), 120)


def short_money(amount: float | None) -> str:
    """£84m, £6.2m, £1.3bn, £450k: the compact form for the funding line."""
    if amount is None:
        return ""
    for scale, unit in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if amount >= scale:
            return f"£{amount / scale:.3g}{unit}"
    return f"£{amount:,.0f}"


def funding_line(scored: ScoredDocument, profile: Profile) -> str:
    """What is in it for us first ('£84m for WMCA of £620m'), then funder, awards, who applies."""
    facts = funding_facts(scored)
    if facts is None:
        return ""
    total = short_money(facts.total_amount_gbp)
    if facts.regional_amount_gbp:
        whom = facts.regional_recipient or profile.short_name
        whom = profile.short_name if _is_us(whom, profile) else whom
        amount = f"{short_money(facts.regional_amount_gbp)} for {whom}"
        amount += f" of {total}" if total else ""
    elif facts.max_award_gbp:
        amount = f"up to {short_money(facts.max_award_gbp)} each"
        amount += f" from {total}" if total else ""
    else:
        amount = total
    stage = f"{facts.deadline_stage} stage" if facts.deadline_stage else ""
    parts = [amount, clip(facts.funder, 80), stage, eligibility_words(facts)]
    return " · ".join(p for p in parts if p)


def _is_us(name: str, profile: Profile) -> bool:
    low = name.lower()
    return any(n and (n.lower() in low or low in n.lower())
               for n in (profile.name, profile.short_name, profile.region.name,
                         *profile.region.aliases))


def regional_mentions(scored: ScoredDocument, profile: Profile) -> list[str]:
    """The region's names in the document: from the enrichment, else a plain text match."""
    if scored.insight is not None:
        return [*scored.insight.places, *scored.insight.people]
    document = scored.document
    text = " ".join((document.title, document.summary, document.body_text[:20_000]))
    return mentions(text, [*profile.region.gazetteer, profile.mayor])


def _closes_label(scored: ScoredDocument) -> str:
    facts = funding_facts(scored)
    stage = facts.deadline_stage if facts is not None and not scored.document.closes_at else ""
    return {"expression of interest": "expressions of interest close",
            "outline application": "outline applications close",
            "full application": "full applications close"}.get(stage, "closes")


def source_name(source: str, names: dict[str, str] | None) -> str:
    """The source's display name (config/sources.yaml), else its id made readable."""
    if names and source in names:
        return names[source]
    words = source.replace("_", " ").replace("govuk", "GOV.UK").strip()
    return words[:1].upper() + words[1:] if source.islower() else source


def build_item(scored: ScoredDocument, profile: Profile, *, now: datetime, score: float,
               new: bool = True, related: list[RelatedLink] | None = None,
               source_names: dict[str, str] | None = None) -> DigestItem:
    document = scored.document
    closes = deadline(scored)
    insight = scored.insight
    signal = insight.signal.value if insight and insight.signal is not Signal.NEUTRAL else ""
    return DigestItem(
        title=clip(document.title, 300),
        url=document.url,
        source=source_name(document.source, source_names),
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
        closes_label=_closes_label(scored),
        funding=funding_line(scored, profile),
        related=related or [],
        score=round(score, 4),
        new=new,
        updated=scored.version > 1,
        withdrawn=document.withdrawn_at is not None,
        document_id=document.id,
        model_version=scored.best_theme.model_version if scored.best_theme else "",
    )
