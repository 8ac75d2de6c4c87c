"""Named reads of documents and their enrichment, and of the runs and watermarks (package doc:
which module holds which reads)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

import duckdb

from warehouse.queries.rows import (
    DOCUMENT_FIELDS,
    SELECT_DOCUMENT,
    SELECT_INSIGHT,
    SELECT_THEME_SCORE,
    document_from_row,
    insight_from_row,
    scored_documents_of,
    theme_score_from_row,
)
from warehouse.records import Document, DocumentInsight, ScoredDocument, ThemeScore

TABLES = (
    "documents", "chunks", "chunk_embeddings", "theme_scores", "document_insights",
    "enrichment_state",
    "source_watermarks", "flow_runs", "flow_run_sources",
)


def get_watermark(con: duckdb.DuckDBPyConnection, source: str) -> datetime | None:
    row = con.execute(
        "SELECT watermark FROM source_watermarks WHERE source = ?", [source]
    ).fetchone()
    return row[0] if row else None


def known_versions(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, datetime | None]:
    """Canonical URL -> last change time of every stored document of a source."""
    rows = con.execute(
        "SELECT url, coalesce(updated_at, published_at) FROM documents WHERE source = ?", [source]
    ).fetchall()
    return {url: changed for url, changed in rows}


def load_documents(con: duckdb.DuckDBPyConnection, ids: list[uuid.UUID]) -> list[Document]:
    rows = con.execute(f"{SELECT_DOCUMENT} WHERE list_contains(?, id) ORDER BY id", [ids])
    return [document_from_row(row) for row in rows.fetchall()]


def documents_needing_enrichment(
    con: duckdb.DuckDBPyConnection, profile: str, model_version: str
) -> list[uuid.UUID]:
    """Documents never enriched for this profile, changed since, or enriched by another model."""
    rows = con.execute(
        "SELECT d.id FROM documents d LEFT JOIN enrichment_state e"
        " ON e.document_id = d.id AND e.profile = ?"
        " WHERE e.document_id IS NULL OR e.content_hash <> d.content_hash"
        " OR e.model_version <> ? ORDER BY d.id",
        [profile, model_version],
    ).fetchall()
    return [row[0] for row in rows]


def theme_scores_for(
    con: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ThemeScore]]:
    rows = con.execute(
        f"SELECT {SELECT_THEME_SCORE} FROM theme_scores"
        " WHERE profile = ? AND list_contains(?, document_id)",
        [profile, ids],
    ).fetchall()
    scores: dict[uuid.UUID, list[ThemeScore]] = defaultdict(list)
    for row in rows:
        scores[row[0]].append(theme_score_from_row(row))
    return scores


def insights_for(
    con: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, DocumentInsight]:
    rows = con.execute(
        f"SELECT {SELECT_INSIGHT} FROM document_insights"
        " WHERE profile = ? AND list_contains(?, document_id)",
        [profile, ids],
    ).fetchall()
    return {row[0]: insight_from_row(row) for row in rows}


def changed_since(
    con: duckdb.DuckDBPyConnection, profile: str, since: datetime | None, until: datetime
) -> list[ScoredDocument]:
    """Documents first seen or changed in (since, until], with their theme scores."""
    rows = con.execute(
        f"SELECT {', '.join(DOCUMENT_FIELDS)}, first_seen_at, last_changed_at, version"
        " FROM documents WHERE last_changed_at <= ? AND (? IS NULL OR last_changed_at > ?)"
        " ORDER BY last_changed_at, id",
        [until, since, since],
    ).fetchall()
    width = len(DOCUMENT_FIELDS)
    documents = [(document_from_row(row[:width]), row[width:]) for row in rows]
    ids = [doc.id for doc, _ in documents]
    return scored_documents_of(documents, theme_scores_for(con, profile, ids),
                               insights_for(con, profile, ids))


def scored_documents(
    con: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
) -> list[ScoredDocument]:
    """Stored documents with their theme scores and insight for one profile, by id."""
    if not ids:
        return []
    seen = {row[0]: row[1:] for row in con.execute(
        "SELECT id, first_seen_at, last_changed_at, version FROM documents"
        " WHERE list_contains(?, id)", [ids]).fetchall()}
    documents = [(doc, seen[doc.id]) for doc in load_documents(con, ids)]
    return scored_documents_of(documents, theme_scores_for(con, profile, ids),
                               insights_for(con, profile, ids))


def last_completed_run_end(
    con: duckdb.DuckDBPyConnection, flow: str, profile: str
) -> datetime | None:
    """When the last run of a flow that did not fail outright finished (a digest's cut-off)."""
    row = con.execute(
        "SELECT max(finished_at) FROM flow_runs WHERE flow = ? AND profile = ?"
        " AND status <> 'failed' AND finished_at IS NOT NULL",
        [flow, profile],
    ).fetchone()
    return row[0] if row else None


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
