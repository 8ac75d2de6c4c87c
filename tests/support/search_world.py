"""A small warehouse of hand-written documents, enriched with a deterministic fake encoder and
published as a search index; shared by the search tests (tests/warehouse, tests/web)."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.records import (
    Chunk,
    Document,
    DocumentInsight,
    DocumentKind,
    Enrichment,
    FundingFacts,
    Signal,
    ThemeScore,
)
from warehouse.save import save_documents, save_enrichments
from warehouse.search.replica import publish_search_index

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
_WORD = re.compile(r"[a-z0-9]+")


class FakeEncoder:
    """Hashed bag of words: texts sharing words get similar L2-normalised vectors."""

    dimension = 384
    version = "fake-bow"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if len(word) > 2:
                    out[row, zlib.crc32(word.rstrip("s").encode()) % 384] += 1.0
            out[row, 0] += 0.01
        return out / np.linalg.norm(out, axis=1, keepdims=True)


# (slug, kind, source, published, title, body, themes, signal, region, funding)
WORLD = [
    ("bus-franchising", DocumentKind.NEWS, "govuk_news", datetime(2026, 9, 3, tzinfo=UTC),
     "Faster route to bus franchising for mayors",
     "Mayors can take buses back into public control. The bus franchising guidance cuts the "
     "time to franchise local bus services.", ["transport"], Signal.OPPORTUNITY, 0.8, None),
    ("hs2-update", DocumentKind.WRITTEN_STATEMENT, "govuk_news", datetime(2026, 7, 1, tzinfo=UTC),
     "HS2 phase one update", "The Secretary of State updated Parliament on HS2 costs and the "
     "Curzon Street station in Birmingham.", ["transport"], Signal.THREAT, 0.9, None),
    ("luf-round", DocumentKind.FUNDING_CALL, "govuk_guidance", datetime(2026, 10, 1, tzinfo=UTC),
     "Levelling Up Fund round four prospectus", "Councils may bid to the Levelling Up Fund "
     "for regeneration and transport schemes.", ["growth"], Signal.OPPORTUNITY, 0.3,
     FundingFacts(funder="MHCLG", closes_at=datetime(2026, 12, 20, tzinfo=UTC))),
    ("levelling-decoy", DocumentKind.NEWS, "govuk_news", datetime(2026, 10, 5, tzinfo=UTC),
     "Levelling up the regions", "Levelling up missions and a new fund up for "
     "discussion in the white paper.", ["growth"], Signal.NEUTRAL, 0.2, None),
    ("ukspf", DocumentKind.GUIDANCE, "govuk_guidance", datetime(2025, 4, 2, tzinfo=UTC),
     "UKSPF allocations", "UK Shared Prosperity Fund (UKSPF) allocations for lead local "
     "authorities.", ["growth"], Signal.NEUTRAL, 0.6,
     FundingFacts(funder="MHCLG", closes_at=datetime(2025, 6, 1, tzinfo=UTC))),
    ("investment-zones", DocumentKind.NEWS, "govuk_news", datetime(2026, 11, 1, tzinfo=UTC),
     "Investment Zones extended", "Investment Zones in the West Midlands gain new advanced "
     "manufacturing sites in Coventry and Wolverhampton.", ["growth"], Signal.OPPORTUNITY, 0.9,
     None),
    ("fishing", DocumentKind.NEWS, "govuk_news", datetime(2026, 11, 2, tzinfo=UTC),
     "Fishing opportunities agreed with Norway", "Quotas for cod and haddock in the North "
     "Sea were agreed.", [], Signal.NEUTRAL, 0.0, None),
    ("housing", DocumentKind.CONSULTATION, "govuk_policy", datetime(2026, 8, 15, tzinfo=UTC),
     "Affordable homes programme consultation", "Views sought on grant for affordable homes "
     "and brownfield regeneration in Birmingham and Coventry.", ["housing"], Signal.NEUTRAL,
     0.7, None),
]


@dataclass
class World:
    db: Path
    ids: dict[str, object]
    encoder: FakeEncoder


def world_document(slug: str, kind, source, published, title, body, funding=None) -> Document:
    return make_document(url=f"https://www.gov.uk/government/news/{slug}", kind=kind,
                         source=source, title=title, summary="", body_text=body,
                         published_at=published, updated_at=published)


def enrich(document: Document, encoder: FakeEncoder, themes=(), signal=Signal.NEUTRAL,
           region=0.0, funding=None, profile="wmca", *, texts: list[str] | None = None,
           evidence: str | None = None, **insight: object) -> Enrichment:
    """Chunks (the title and the body, or `texts`), their fake vectors, a 0.8 score for each
    theme (its evidence the body's start, or `evidence`) and an insight; `insight` sets further
    DocumentInsight fields (places, reason...)."""
    texts = texts or [document.title, document.body_text]
    chunks = [Chunk.of(document.id, i, text) for i, text in enumerate(texts)]
    vectors = encoder.encode(texts).tolist()
    scores = [ThemeScore(document_id=document.id, profile=profile, theme=t, score=0.8,
                         above_threshold=True,
                         evidence=document.body_text[:60] if evidence is None else evidence,
                         model_version="fake") for t in themes]
    fields = {"signal_reason": f"{signal.value} words", **insight}
    row = DocumentInsight(document_id=document.id, profile=profile, signal=signal,
                          signal_score=0.7, region_score=region, funding=funding,
                          model_version="fake", **fields)
    return Enrichment(document_id=document.id, chunks=chunks, embeddings=vectors,
                      theme_scores=scores, insight=row, model_version="fake")


def save_world(db: Path, rows=WORLD, *, publish: bool = True) -> World:
    encoder = FakeEncoder()
    ids = {}
    with connect(db) as con:
        documents, enrichments = [], []
        for slug, kind, source, published, title, body, themes, signal, region, funding in rows:
            doc = world_document(slug, kind, source, published, title, body)
            ids[slug] = doc.id
            documents.append(doc)
            enrichments.append(enrich(doc, encoder, themes, signal, region, funding))
        save_documents(con, documents, now=NOW)
        save_enrichments(con, enrichments, profile="wmca",
                         content_hashes={d.id: d.content_hash for d in documents}, now=NOW)
        if publish:
            publish_search_index(con, db)
    return World(db, ids, encoder)
