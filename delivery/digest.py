"""Building the daily digest from scored documents: pure, no I/O (rendering is in render.py)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from warehouse.profiles import Profile
from warehouse.records import ScoredDocument, SourceReport

MAX_EVIDENCE_CHARS = 320


class ThemeChip(BaseModel):
    model_config = ConfigDict(frozen=True)

    theme_id: str
    name: str
    score: float


class DigestItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    url: str
    source: str
    kind: str
    published: datetime | None
    closes_at: datetime | None
    summary: str
    themes: list[ThemeChip]
    reason: str  # why it was flagged: theme, score and the sentence that matched
    evidence: str
    score: float
    withdrawn: bool = False


class DigestSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    theme_id: str
    title: str
    items: list[DigestItem]
    more: int = 0  # items left out of this section by the per-section cap


class Digest(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile_id: str
    authority: str
    day: date
    sections: list[DigestSection]
    new_items: int
    unmatched_items: int
    source_health: list[SourceReport] = Field(default_factory=list)

    @property
    def matched_items(self) -> int:
        return sum(len(s.items) + s.more for s in self.sections)

    @property
    def subject(self) -> str:
        return (f"Horizon {self.day:%-d %b}: {self.matched_items} items on "
                f"{len(self.sections)} themes ({self.new_items} new or updated)")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_item(scored: ScoredDocument, profile: Profile) -> DigestItem | None:
    best = scored.best_theme
    if best is None:
        return None
    document = scored.document
    chips = [ThemeChip(theme_id=t.theme, name=profile.theme(t.theme).name, score=t.score)
             for t in scored.matched_themes if t.theme in {th.id for th in profile.themes}]
    theme_name = profile.theme(best.theme).name
    evidence = _clip(best.evidence, MAX_EVIDENCE_CHARS)
    return DigestItem(
        title=_clip(document.title, 300),
        url=document.url,
        source=document.source,
        kind=document.kind.value.replace("_", " "),
        published=document.published_at or document.updated_at,
        closes_at=document.closes_at,
        summary=_clip(document.summary, 400),
        themes=chips,
        reason=f"{theme_name} (score {best.score:.2f})",
        evidence=evidence,
        score=best.score,
        withdrawn=document.withdrawn_at is not None,
    )


def build_digest(
    scored: list[ScoredDocument],
    profile: Profile,
    day: date,
    *,
    source_health: list[SourceReport] | None = None,
) -> Digest:
    """Group each document under its best-matching theme, rank by score, cap each section."""
    by_theme: dict[str, list[DigestItem]] = {theme.id: [] for theme in profile.themes}
    unmatched = 0
    for entry in scored:
        item = build_item(entry, profile)
        if item is None or entry.best_theme.theme not in by_theme:
            unmatched += 1
            continue
        by_theme[entry.best_theme.theme].append(item)
    cap = profile.digest.max_items_per_section
    sections = []
    for theme in profile.themes:
        items = sorted(by_theme[theme.id], key=lambda i: (-i.score, i.title))
        if items:
            sections.append(DigestSection(theme_id=theme.id, title=theme.name,
                                          items=items[:cap], more=max(0, len(items) - cap)))
    sections.sort(key=lambda s: -s.items[0].score)
    return Digest(
        profile_id=profile.id, authority=profile.short_name, day=day, sections=sections,
        new_items=len(scored), unmatched_items=unmatched, source_health=source_health or [],
    )
