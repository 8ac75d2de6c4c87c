from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.insights import load_story_candidates, save_cluster_ids, story_timeline
from warehouse.records import Chunk, DocumentInsight, Enrichment
from warehouse.save import save_documents, save_enrichments

DAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _stored(con, name: str, at: datetime) -> uuid.UUID:
    document = make_document(url=f"https://www.gov.uk/government/news/{name}", title=name,
                             published_at=at, updated_at=at)
    save_documents(con, [document])
    chunk = Chunk.of(document.id, 0, name)
    save_enrichments(con, [Enrichment(
        document_id=document.id, chunks=[chunk], embeddings=[[1.0] + [0.0] * 383],
        theme_scores=[], insight=DocumentInsight(document_id=document.id, profile="wmca"),
        model_version="m")], profile="wmca", content_hashes={document.id: document.content_hash})
    return document.id


def test_insights_story_candidates_carry_vectors_of_recent_documents() -> None:
    con = connect()
    recent = _stored(con, "recent", DAY)
    _stored(con, "old", DAY - timedelta(days=90))
    [candidate] = load_story_candidates(con, "wmca", DAY - timedelta(days=30))
    assert candidate.document_id == recent
    assert candidate.chunk_vectors.shape == (1, 384)


def test_insights_cluster_ids_saved_idempotently_and_timeline_is_oldest_first() -> None:
    con = connect()
    lead = _stored(con, "release", DAY)
    echo = _stored(con, "echo", DAY + timedelta(days=1))
    for _ in range(2):
        save_cluster_ids(con, "wmca", {lead: lead, echo: lead})
    timeline = story_timeline(con, "wmca", lead)
    assert [row[0] for row in timeline] == [lead, echo]
    assert story_timeline(con, "cpca", lead) == []
