"""Typed records of the search: filters in, results and index checks out."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from warehouse.records import DocumentInsight, DocumentKind, Signal, ThemeScore


class SearchFilters(BaseModel):
    """Document-level filters; all optional, combined with AND (values within one field: OR)."""

    model_config = ConfigDict(frozen=True)

    profile: str = "wmca"
    date_from: date | None = None
    date_to: date | None = None
    themes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    kinds: list[DocumentKind] = Field(default_factory=list)
    signal: Signal | None = None
    region_only: bool = False
    funding_open: bool = False
    person: str | None = None  # a person_id of the people table (issue 16)
    now: datetime | None = None  # "open now" is judged at this instant (default: the real now)

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.themes or self.sources or self.kinds
                    or self.signal or self.region_only or self.funding_open or self.person)


class Passage(BaseModel):
    """The chunk that best answers the query, with the character spans of matched terms."""

    chunk_index: int
    text: str
    highlights: list[tuple[int, int]] = Field(default_factory=list)


class ScoreDetail(BaseModel):
    """Why a result ranked where it did: its fused score and each retriever's rank and score."""

    fused: float
    dense_rank: int | None = None  # 1-based rank of its best chunk in the vector search
    dense_score: float | None = None  # cosine similarity
    keyword_rank: int | None = None  # 1-based rank of its best chunk in the BM25 search
    keyword_score: float | None = None  # BM25
    matched_chunks: int = 0


class DocumentHead(BaseModel):
    """What names a document wherever search shows one: a result, the document page."""

    id: uuid.UUID
    title: str
    url: str
    source: str
    kind: str
    published_at: datetime | None = None


class SearchResult(DocumentHead):
    themes: list[str] = Field(default_factory=list)
    signal: str | None = None
    region_score: float | None = None
    passage: Passage
    score: float
    scores: ScoreDetail


class DocumentView(DocumentHead):
    """One document with its enrichment, for the document page and GET /api/documents/{id}."""

    summary: str = ""
    organisations: list[str] = Field(default_factory=list)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    themes: list[ThemeScore] = Field(default_factory=list)
    insight: DocumentInsight | None = None
    cluster_size: int = 1
    passages: list[Passage] = Field(default_factory=list)


class IndexCheck(BaseModel):
    """Do the warehouse and the published search index hold the same chunks?"""

    ok: bool
    generation: int | None = None
    index_kind: str | None = None
    warehouse_chunks: int = 0
    replica_chunks: int = 0
    vector_count: int = 0
    missing: int = 0  # in the warehouse, not in the index
    extra: int = 0  # in the index, no longer in the warehouse
    stale: int = 0  # same chunk id, different text
    problems: list[str] = Field(default_factory=list)


class PublishReport(BaseModel):
    generation: int
    index_kind: str
    chunks: int
    added: int
    removed: int
    rebuilt: bool
    seconds: float
    keyword_seconds: float = 0.0  # of `seconds`: the keyword segments (new, merged)
    vector_seconds: float = 0.0  # of `seconds`: updating or building the FAISS index
    segments: int = 0  # keyword segments of the generation
    merged: int = 0  # segments merged by this publish
