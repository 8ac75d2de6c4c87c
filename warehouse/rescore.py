"""What re-scoring stored documents with new theme heads reads and writes: the stored chunk
vectors (so nothing is re-encoded), the stored evidence sentences, and the updated theme rows."""

from __future__ import annotations

import uuid

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.records import ThemeScore


def scored_documents(con: duckdb.DuckDBPyConnection, profile: str) -> list[uuid.UUID]:
    """Documents with theme scores for the profile and stored chunk vectors, in id order."""
    rows = con.execute(
        "SELECT DISTINCT t.document_id FROM theme_scores t WHERE t.profile = ? AND EXISTS"
        " (SELECT 1 FROM chunk_embeddings e WHERE e.document_id = t.document_id)"
        " ORDER BY t.document_id", [profile]).fetchall()
    return [row[0] for row in rows]


def stored_chunk_vectors(con: duckdb.DuckDBPyConnection, ids: list[uuid.UUID]
                         ) -> dict[uuid.UUID, np.ndarray]:
    """(chunks, dim) vectors of each document, chunk 0 first, as the enrichment stored them."""
    if not ids:
        return {}
    rows = con.execute(
        "SELECT c.document_id, list(e.vector ORDER BY c.chunk_index) FROM chunks c"
        " JOIN chunk_embeddings e ON e.chunk_id = c.id WHERE list_contains(?, c.document_id)"
        " GROUP BY c.document_id", [ids]).fetchall()
    return {row[0]: np.asarray(row[1], dtype=np.float32) for row in rows}


def stored_evidence(con: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
                    ) -> dict[uuid.UUID, dict[str, str]]:
    """Each document's evidence sentence per theme, as the enrichment chose it."""
    rows = con.execute(
        "SELECT document_id, theme, evidence FROM theme_scores WHERE profile = ?"
        " AND list_contains(?, document_id)", [profile, ids]).fetchall()
    evidence: dict[uuid.UUID, dict[str, str]] = {}
    for document_id, theme, sentence in rows:
        evidence.setdefault(document_id, {})[theme] = sentence or ""
    return evidence


def save_rescored(con: duckdb.DuckDBPyConnection, scores: list[ThemeScore]) -> int:
    """Replace the theme rows of the re-scored documents, as the enrichment would (one
    transaction): score, threshold flags and model version of each theme; the stored evidence
    sentence is kept ("" for a theme the document had no row for); rows of themes the heads no
    longer have are removed."""
    if not scores:
        return 0
    table = pa.table({
        "document_id": pa.array([str(s.document_id) for s in scores], type=pa.string()),
        "profile": pa.array([s.profile for s in scores], type=pa.string()),
        "theme": pa.array([s.theme for s in scores], type=pa.string()),
        "score": pa.array([s.score for s in scores], type=pa.float64()),
        "above_threshold": pa.array([s.above_threshold for s in scores], type=pa.bool_()),
        "tentative": pa.array([s.tentative for s in scores], type=pa.bool_()),
        "evidence": pa.array([s.evidence for s in scores], type=pa.string()),
        "model_version": pa.array([s.model_version for s in scores], type=pa.string()),
    })
    con.register("rescored", table)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "DELETE FROM theme_scores t WHERE EXISTS (SELECT 1 FROM rescored r WHERE"
            " t.document_id = r.document_id::UUID AND t.profile = r.profile) AND NOT EXISTS"
            " (SELECT 1 FROM rescored r WHERE t.document_id = r.document_id::UUID"
            " AND t.profile = r.profile AND t.theme = r.theme)")
        con.execute(
            "INSERT INTO theme_scores (document_id, profile, theme, score, above_threshold,"
            " evidence, model_version, tentative) SELECT document_id::UUID, profile, theme, score,"
            " above_threshold, evidence, model_version, tentative FROM rescored"
            " ON CONFLICT (document_id, profile, theme) DO UPDATE SET score = excluded.score,"
            " above_threshold = excluded.above_threshold, tentative = excluded.tentative,"
            " model_version = excluded.model_version")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("rescored")
    return len(scores)
