"""Named queries: every read the other folders make of the warehouse, parameterised."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import datetime

import duckdb

from warehouse.records import Document, DocumentInsight, ScoredDocument, ThemeScore

_DOCUMENT_FIELDS = tuple(Document.model_fields)
_SELECT_DOCUMENT = f"SELECT {', '.join(_DOCUMENT_FIELDS)} FROM documents"

TABLES = (
    "documents", "chunks", "chunk_embeddings", "theme_scores", "document_insights",
    "enrichment_state",
    "source_watermarks", "flow_runs", "flow_run_sources",
)


def _to_document(row: tuple) -> Document:
    values = dict(zip(_DOCUMENT_FIELDS, row, strict=True))
    values["funding"] = json.loads(values["funding"]) if values["funding"] else None
    values["metadata"] = json.loads(values["metadata"]) if values["metadata"] else {}
    return Document.model_validate(values)


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
    rows = con.execute(f"{_SELECT_DOCUMENT} WHERE list_contains(?, id) ORDER BY id", [ids])
    return [_to_document(row) for row in rows.fetchall()]


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
        "SELECT document_id, profile, theme, score, above_threshold, evidence, model_version,"
        " coalesce(tentative, false) FROM theme_scores"
        " WHERE profile = ? AND list_contains(?, document_id)",
        [profile, ids],
    ).fetchall()
    scores: dict[uuid.UUID, list[ThemeScore]] = defaultdict(list)
    for row in rows:
        scores[row[0]].append(ThemeScore(
            document_id=row[0], profile=row[1], theme=row[2], score=row[3],
            above_threshold=row[4], evidence=row[5], model_version=row[6], tentative=row[7],
        ))
    return scores


def insights_for(
    con: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, DocumentInsight]:
    rows = con.execute(
        "SELECT document_id, profile, signal, signal_score, signal_reason, matched_terms,"
        " region_score, places, people, funding, cluster_id, model_version"
        " FROM document_insights WHERE profile = ? AND list_contains(?, document_id)",
        [profile, ids],
    ).fetchall()
    fields = ("document_id", "profile", "signal", "signal_score", "signal_reason",
              "matched_terms", "region_score", "places", "people", "funding", "cluster_id",
              "model_version")
    insights = {}
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        values["funding"] = json.loads(values["funding"]) if values["funding"] else None
        insights[row[0]] = DocumentInsight.model_validate(values)
    return insights


def changed_since(
    con: duckdb.DuckDBPyConnection, profile: str, since: datetime | None, until: datetime
) -> list[ScoredDocument]:
    """Documents first seen or changed in (since, until], with their theme scores."""
    rows = con.execute(
        f"SELECT {', '.join(_DOCUMENT_FIELDS)}, first_seen_at, last_changed_at, version"
        " FROM documents WHERE last_changed_at <= ? AND (? IS NULL OR last_changed_at > ?)"
        " ORDER BY last_changed_at, id",
        [until, since, since],
    ).fetchall()
    width = len(_DOCUMENT_FIELDS)
    documents = [(_to_document(row[:width]), row[width:]) for row in rows]
    ids = [doc.id for doc, _ in documents]
    scores = theme_scores_for(con, profile, ids)
    insights = insights_for(con, profile, ids)
    return [
        ScoredDocument(document=doc, themes=scores.get(doc.id, []), insight=insights.get(doc.id),
                       first_seen_at=extra[0],
                       last_changed_at=extra[1], version=extra[2])
        for doc, extra in documents
    ]


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
