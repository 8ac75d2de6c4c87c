"""The typed records that cross folder boundaries.

Every record carries its provenance (source, canonical URL, fetch time, parser version) and a
deterministic id, so re-ingesting the same page is idempotent. Controlled vocabularies live here
as enums and nowhere else.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Query parameters that never change what a page is.
_TRACKING_PARAMS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "fbclid"}
)


class DocumentKind(StrEnum):
    NEWS = "news"
    PRESS_RELEASE = "press_release"
    POLICY_PAPER = "policy_paper"
    CONSULTATION = "consultation"
    CALL_FOR_EVIDENCE = "call_for_evidence"
    STATISTICS = "statistics"
    RESEARCH = "research"
    SPEECH = "speech"
    WRITTEN_STATEMENT = "written_statement"
    GUIDANCE = "guidance"
    CORPORATE_REPORT = "corporate_report"
    DEBATE = "debate"
    WRITTEN_QUESTION = "written_question"
    BILL = "bill"
    FUNDING_CALL = "funding_call"
    TENDER = "tender"
    GRANT = "grant"
    REGIONAL_NEWS = "regional_news"
    OTHER = "other"


class Signal(StrEnum):
    THREAT = "threat"
    OPPORTUNITY = "opportunity"
    NEUTRAL = "neutral"


class ApplicantType(StrEnum):
    """Who a funding call or tender says may apply."""

    LOCAL_AUTHORITY = "local_authority"
    COMBINED_AUTHORITY = "combined_authority"
    PUBLIC_BODY = "public_body"
    BUSINESS = "business"
    CHARITY = "charity"
    UNIVERSITY = "university"
    PARTNERSHIP = "partnership"
    INDIVIDUAL = "individual"
    OTHER = "other"


class RunStatus(StrEnum):
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # some sources or items failed, the rest landed
    FAILED = "failed"  # everything failed


def canonical_url(url: str) -> str:
    """Normalise a URL so that the same page always has the same id.

    Lower-cases scheme and host, drops the fragment, tracking parameters and a trailing slash,
    and sorts the remaining query parameters.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if k.lower() not in _TRACKING_PARAMS)
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def document_id(url: str) -> uuid.UUID:
    """Deterministic id of a document: uuid5 of its canonical URL."""
    return uuid.uuid5(uuid.NAMESPACE_URL, canonical_url(url))


def content_hash(*parts: object) -> str:
    """Stable hash of the parts of a record that matter for 'has it changed?'."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"\x1f")
        digest.update(("" if part is None else str(part)).encode("utf-8", "replace"))
    return digest.hexdigest()


def _require_aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


class FundingFacts(BaseModel):
    """What a funding call, tender, grant or announcement says about the money."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    funder: str = ""
    total_amount_gbp: float | None = Field(default=None, ge=0)
    max_award_gbp: float | None = Field(default=None, ge=0)
    min_award_gbp: float | None = Field(default=None, ge=0)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    eligible_applicants: list[ApplicantType] = Field(default_factory=list)
    place_restrictions: list[str] = Field(default_factory=list)
    match_funding: str = ""  # what the call says about match funding, verbatim-ish
    eligible_for_authority: bool | None = None  # None: cannot tell
    eligibility_reason: str = ""
    # The region's own share named in an allocation list ("West Midlands Combined Authority:
    # £84 million"), who it is for, and which stage closes_at ends ("expression of interest").
    regional_amount_gbp: float | None = Field(default=None, ge=0)
    regional_recipient: str = ""
    deadline_stage: str = ""

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _aware(cls, value: datetime | None, info) -> datetime | None:
        return _require_aware(value, info.field_name)


class Document(BaseModel):
    """One collected page, speech, question, bill, call or tender: the contract between folders."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: uuid.UUID
    source: str = Field(min_length=1)
    kind: DocumentKind
    url: str
    title: str = Field(min_length=1)
    summary: str = ""
    body_text: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    fetched_at: datetime
    organisations: list[str] = Field(default_factory=list)
    # People the item is by or about: speakers, askers and answerers, ministers.
    people: list[str] = Field(default_factory=list)
    # Source-side subject tags (GOV.UK taxons, Hansard headings ...), kept verbatim.
    tags: list[str] = Field(default_factory=list)
    # The source's own document type, e.g. GOV.UK's "open_consultation".
    source_type: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawn_reason: str = ""
    # Funding facts the source states in structured form (OCDS value, 360Giving amount ...).
    funding: FundingFacts | None = None
    # Other source facts worth keeping, flat strings: party, bill stage, buyer, heading ...
    metadata: dict[str, str] = Field(default_factory=dict)
    content_hash: str = ""
    parser_version: str = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _url_is_canonical(cls, value: str) -> str:
        return canonical_url(value)

    @field_validator("published_at", "updated_at", "fetched_at", "opens_at", "closes_at",
                     "withdrawn_at")
    @classmethod
    def _aware(cls, value: datetime | None, info) -> datetime | None:
        return _require_aware(value, info.field_name)

    @model_validator(mode="before")
    @classmethod
    def _derive_id_and_hash(cls, data: dict) -> dict:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if not data.get("id") and data.get("url"):
            data["id"] = document_id(data["url"])
        if not data.get("content_hash"):
            data["content_hash"] = content_hash(
                data.get("title"), data.get("summary"), data.get("body_text"),
                data.get("updated_at"), data.get("opens_at"), data.get("closes_at"),
                data.get("withdrawn_at"), data.get("funding"), data.get("metadata"),
            )
        return data

    @model_validator(mode="after")
    def _id_matches_url(self) -> Document:
        if self.id != document_id(self.url):
            raise ValueError("id must be uuid5 of the canonical URL")
        return self

    @property
    def last_changed_at(self) -> datetime | None:
        return self.updated_at or self.published_at


class FetchError(BaseModel):
    """One item a source could not deliver or parse, with the reason, for the run report."""

    model_config = ConfigDict(frozen=True)

    source: str
    url: str = ""
    reason: str
    item: bool = False  # one listed item (not the listing or the source as a whole) failed


class Chunk(BaseModel):
    """A passage of a document small enough for the encoder (chunk 0 is title and summary)."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    document_id: uuid.UUID
    index: int = Field(ge=0)
    text: str
    start_char: int = 0

    @classmethod
    def of(cls, document_id: uuid.UUID, index: int, text: str, start_char: int = 0) -> Chunk:
        chunk_id = uuid.uuid5(document_id, f"chunk:{index}")
        return cls(id=chunk_id, document_id=document_id, index=index, text=text,
                   start_char=start_char)


class ThemeScore(BaseModel):
    """How strongly a document matches one of the profile's themes, and why."""

    model_config = ConfigDict(frozen=True)

    document_id: uuid.UUID
    profile: str
    theme: str
    score: float = Field(ge=0.0, le=1.0)
    above_threshold: bool
    evidence: str = ""  # the best-matching sentence
    # Under its threshold but clearly ahead of the document's other themes: kept, marked tentative
    # (above_threshold is then True too, so it is listed and filtered like the others).
    tentative: bool = False
    model_version: str


class DocumentInsight(BaseModel):
    """The enrichment's judgement of one document for one profile, with its reasons."""

    model_config = ConfigDict(frozen=True)

    document_id: uuid.UUID
    profile: str
    signal: Signal = Signal.NEUTRAL
    signal_score: float = Field(default=0.0, ge=0.0, le=1.0)  # strength of the signal
    signal_reason: str = ""
    matched_terms: list[str] = Field(default_factory=list)  # words that triggered the signal
    region_score: float = Field(default=0.0, ge=0.0, le=1.0)
    places: list[str] = Field(default_factory=list)  # gazetteer places and councils matched
    people: list[str] = Field(default_factory=list)  # the Mayor, MPs matched
    funding: FundingFacts | None = None  # structured facts merged with what the text says
    cluster_id: uuid.UUID | None = None  # id of the lead document of its story cluster
    model_version: str = ""


class ScoredDocument(BaseModel):
    """A stored document with its theme scores for one profile: what the digest ranks."""

    model_config = ConfigDict(frozen=True)

    document: Document
    themes: list[ThemeScore] = Field(default_factory=list)
    insight: DocumentInsight | None = None
    first_seen_at: datetime
    last_changed_at: datetime
    version: int = 1

    @property
    def matched_themes(self) -> list[ThemeScore]:
        return sorted((t for t in self.themes if t.above_threshold), key=lambda t: -t.score)

    @property
    def best_theme(self) -> ThemeScore | None:
        matched = self.matched_themes
        return matched[0] if matched else None


class Enrichment(BaseModel):
    """Everything the NLP step produced for one document."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    document_id: uuid.UUID
    chunks: list[Chunk]
    embeddings: list[list[float]]  # one per chunk, L2-normalised
    theme_scores: list[ThemeScore]
    insight: DocumentInsight | None = None
    model_version: str


class SourceReport(BaseModel):
    """Per-source outcome of one run: what was fetched, what was new, what failed and why."""

    source: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = Field(default_factory=list)
    # Listed but left for the next run: a listing stopped at its cap (max_items).
    backlog: bool = False

    @property
    def health(self) -> str:
        """ok, degraded (some items failed or wait for the next run), failing (nothing landed)
        or empty (nothing listed)."""
        landed = self.new + self.updated + self.unchanged
        if self.fetched == 0 and self.failed == 0:
            return "empty"
        if landed == 0:
            return "failing"
        return "degraded" if self.failed or self.backlog else "ok"


class RunReport(BaseModel):
    """What one flow run did, per source, plus where its outputs went."""

    run_id: uuid.UUID
    flow: str
    profile: str
    started_at: datetime
    finished_at: datetime | None = None
    status: RunStatus = RunStatus.SUCCEEDED
    sources: list[SourceReport] = Field(default_factory=list)
    enriched: int = 0
    outputs: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
