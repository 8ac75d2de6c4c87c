"""Story clusters over stored insights: the candidates to cluster, saving cluster ids, timelines.

A story's cluster id is its lead document's id (document_insights.cluster_id); its timeline is
the documents sharing that id, oldest first. No table beyond migration 002 is needed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np


@dataclass(frozen=True)
class StoryCandidate:
    document_id: uuid.UUID
    published_at: datetime
    content_hash: str
    kind: str
    source: str
    chunk_vectors: np.ndarray  # (chunks, dim), chunk 0 first


def load_story_candidates(
    con: duckdb.DuckDBPyConnection, profile: str, since: datetime
) -> list[StoryCandidate]:
    """Enriched documents of a profile published (or first seen) since `since`, with vectors."""
    rows = con.execute(
        """
        SELECT d.id, coalesce(d.published_at, d.first_seen_at) AS seen_at, d.content_hash, d.kind,
               d.source, list(e.vector ORDER BY c.chunk_index) AS vectors
        FROM documents d
        JOIN document_insights i ON i.document_id = d.id AND i.profile = ?
        JOIN chunks c ON c.document_id = d.id
        JOIN chunk_embeddings e ON e.chunk_id = c.id
        WHERE coalesce(d.published_at, d.first_seen_at) >= ?
        GROUP BY ALL
        ORDER BY seen_at, d.id
        """,
        [profile, since],
    ).fetchall()
    return [StoryCandidate(row[0], row[1], row[2], row[3], row[4],
                           np.asarray(row[5], dtype=np.float32)) for row in rows]


def save_cluster_ids(
    con: duckdb.DuckDBPyConnection, profile: str, clusters: dict[uuid.UUID, uuid.UUID]
) -> int:
    """Set each document's cluster id (its story's lead); idempotent."""
    if not clusters:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany(
            "UPDATE document_insights SET cluster_id = ? WHERE document_id = ? AND profile = ?",
            [[lead, document_id, profile] for document_id, lead in clusters.items()],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(clusters)


def story_timeline(
    con: duckdb.DuckDBPyConnection, profile: str, cluster_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, str, datetime]]:
    """(document id, title, source, date) of a story's documents, oldest first."""
    return con.execute(
        """
        SELECT d.id, d.title, d.source, coalesce(d.published_at, d.first_seen_at) AS seen_at
        FROM document_insights i JOIN documents d ON d.id = i.document_id
        WHERE i.profile = ? AND i.cluster_id = ?
        ORDER BY seen_at, d.id
        """,
        [profile, cluster_id],
    ).fetchall()
