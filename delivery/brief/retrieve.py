"""Find the documents of a brief (hybrid search, a story, or more-like-this) and build it.

The one impure step of the brief: it reads the search index and the warehouse, and runs the
encoder on the topic and the candidate sentences. Everything else is `build_brief`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Protocol

import duckdb
import numpy as np
from pydantic import BaseModel, ConfigDict

from delivery.brief.build import build_brief
from delivery.brief.config import BriefConfig
from delivery.brief.model import Brief, NothingMatches, SourceRow
from delivery.brief.select import extract_candidates
from warehouse.brief_rows import brief_rows, story_documents, top_stories
from warehouse.config.profiles import Profile
from warehouse.search.engine import Searcher
from warehouse.search.models import SearchFilters


class Encoder(Protocol):
    version: str

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_query(self, query: str) -> np.ndarray: ...


class BriefRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic: str = ""
    since: date | None = None
    until: date | None = None
    story: uuid.UUID | None = None
    like: uuid.UUID | None = None
    documents: list[uuid.UUID] = []  # a brief over exactly these documents (a weekly pack)
    filters: SearchFilters | None = None  # the search page's filters (dates are taken from here)


def make_brief(request: BriefRequest, *, con: duckdb.DuckDBPyConnection, searcher: Searcher,
               encoder: Encoder, profile: Profile, config: BriefConfig,
               now: datetime | None = None) -> Brief:
    """The brief, or `NothingMatches` (with the nearest topics) when nothing is relevant."""
    now = now or datetime.now(UTC)
    filters = (request.filters or SearchFilters()).model_copy(update={
        "profile": profile.id, "date_from": request.since, "date_to": request.until})
    topic = " ".join(request.topic.split())
    scores: dict[uuid.UUID, tuple[bool, float]] = {}
    if request.documents:
        ids = list(request.documents)
    elif request.story:
        ids = story_documents(con, profile.id, request.story)
    elif request.like:
        try:
            similar = searcher.similar(request.like, filters, config.retrieval.limit - 1)
        except KeyError:
            raise NothingMatches(f"document {request.like}", _nearest(con, profile, encoder,
                                                                      "")) from None
        ids = [request.like, *(r.id for r in similar)]
    else:
        if not topic:
            raise NothingMatches("", _nearest(con, profile, encoder, ""))
        results = searcher.search(topic, encoder.encode_query(topic), filters,
                                  config.retrieval.limit)
        kept = [r for r in results if r.scores.keyword_rank is not None
                or (r.scores.dense_score or 0) >= config.retrieval.min_dense_score]
        ids = [r.id for r in kept]
        scores = {r.id: (r.scores.keyword_rank is not None, r.scores.dense_score or 0.0)
                  for r in kept}
    stored = brief_rows(con, profile.id, ids)
    rows = [SourceRow(**stored[i], rank=rank, keyword_hit=scores.get(i, (True, 0))[0],
                      dense_score=scores.get(i, (True, 0.0))[1])
            for rank, i in enumerate(i for i in ids if i in stored and _within(
                stored[i]["published_at"], request.since, request.until))]
    if len(rows) < config.retrieval.min_documents:
        raise NothingMatches(topic or f"story {request.story}",
                             _nearest(con, profile, encoder, topic))
    if not topic:
        topic = rows[0].title
    candidates = extract_candidates(rows, config.sentences)
    vectors = (encoder.encode([c.text for c in candidates]) if candidates
               else np.zeros((0, 1), dtype=np.float32))
    return build_brief(topic, rows, vectors, encoder.encode_query(topic), profile, config,
                       as_of=request.until or now.date(), since=request.since,
                       until=request.until, encoder_version=encoder.version, now=now)


def _within(published: datetime | None, since: date | None, until: date | None) -> bool:
    day = published.date() if published else None
    return day is None or ((since is None or day >= since) and (until is None or day <= until))


def _nearest(con: duckdb.DuckDBPyConnection, profile: Profile, encoder: Encoder, topic: str,
             limit: int = 6) -> list[str]:
    """Theme names and story titles the warehouse has, nearest the topic first."""
    options = [f"theme: {t.name}" for t in profile.themes]
    options += [f"story: {title}" for _, title, _ in top_stories(con, profile.id, limit=8)]
    if topic and options:
        sims = encoder.encode([o.split(": ", 1)[1] for o in options]) @ encoder.encode_query(
            topic)
        options = [options[i] for i in np.argsort(-sims, kind="stable")]
    return options[:limit]
