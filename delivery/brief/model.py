"""The typed records of a briefing paper: what the builder reads and what the renderers draw.

A `Brief` holds only three kinds of text: headings and connective labels written here, names
and dates taken from stored fields, and `Quote`s: sentences copied verbatim from a stored
document, each citing it. `delivery.brief.trace` refuses to render a brief whose quotes are not
in their cited document's stored text.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from warehouse.records import FundingFacts, Signal


class SourceRow(BaseModel):
    """One stored document as the builder sees it, with its enrichment for the profile."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    source: str
    kind: str
    url: str
    title: str
    summary: str = ""
    body_text: str = ""
    published_at: datetime | None = None
    fetched_at: datetime
    organisations: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    parser_version: str = ""
    themes: list[str] = Field(default_factory=list)  # above threshold, best first
    region_people: list[str] = Field(default_factory=list)  # the region's, by seat (issue 16)
    signal: Signal = Signal.NEUTRAL
    signal_reason: str = ""
    region_score: float = 0.0
    places: list[str] = Field(default_factory=list)
    funding: FundingFacts | None = None
    cluster_id: uuid.UUID | None = None
    model_version: str = ""
    rank: int = 0  # 0-based position in the search results
    keyword_hit: bool = False
    dense_score: float = 0.0

    @property
    def stored_text(self) -> str:
        """Everything a quote may be taken from."""
        return "\n".join((self.title, self.summary, self.body_text))

    @property
    def publisher(self) -> str:
        return self.organisations[0] if self.organisations else self.source


class Quote(BaseModel):
    """A sentence copied from a stored document; `ref` is its number in Sources."""

    model_config = ConfigDict(frozen=True)

    text: str
    document_id: uuid.UUID
    ref: int = 0


class Line(BaseModel):
    """One item of a section: a label of ours, stored fields, and the quote that backs it."""

    model_config = ConfigDict(frozen=True)

    label: str = ""  # connective label or stored name/date (never a claim of ours)
    quote: Quote | None = None
    link: str = ""  # the cited document's URL (http/https only)
    title: str = ""  # a stored title shown as the line's text
    ref: int = 0


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    heading: str
    lines: list[Line] = Field(default_factory=list)
    empty_note: str = ""  # what to say when nothing in the sources fills it


class SourceEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    ref: int
    document_id: uuid.UUID
    title: str
    publisher: str
    published_at: datetime | None
    url: str
    fetched_at: datetime
    stored_text: str = Field(default="", exclude=True, repr=False)


class Brief(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic: str
    profile: str
    region: str
    as_of: date
    since: date | None = None
    until: date | None = None
    generated_at: datetime
    sections: list[Section]
    sources: list[SourceEntry]
    model_versions: list[str] = Field(default_factory=list)
    parser_versions: list[str] = Field(default_factory=list)

    def quotes(self) -> list[Quote]:
        return [line.quote for s in self.sections for line in s.lines if line.quote]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


class NothingMatches(LookupError):
    """No stored document matches the topic; carries the nearest topics the warehouse has."""

    def __init__(self, topic: str, nearest: list[str]) -> None:
        self.topic, self.nearest = topic, nearest
        shown = "; ".join(nearest) if nearest else "none"
        super().__init__(f"nothing in the warehouse matches {topic!r}. Nearest topics: {shown}")
