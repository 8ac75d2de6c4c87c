"""Idempotent saves keyed by deterministic ids. Saving the same batch twice changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.db import kill_point
from warehouse.queries.rows import (
    DOCUMENT_COLUMNS,
    INSIGHT_FIELDS,
    THEME_SCORE_FIELDS,
    document_row,
    insight_row,
    theme_score_row,
)
from warehouse.records import Document, Enrichment, RunReport


@dataclass
class SaveOutcome:
    """Which documents a save inserted, replaced, or found already stored unchanged."""

    new: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)
    unchanged: list[uuid.UUID] = field(default_factory=list)


def _stored_hashes(con: duckdb.DuckDBPyConnection, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = con.execute(
        "SELECT id, content_hash FROM documents WHERE list_contains(?, id)", [ids]
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def save_documents(
    con: duckdb.DuckDBPyConnection, documents: Iterable[Document], *, now: datetime | None = None
) -> SaveOutcome:
    """Insert new documents and replace changed ones in place (same id), in one transaction.

    Within one batch the last record of a given id wins. A document whose content hash is
    unchanged is left exactly as stored (fetch time included).
    """
    now = now or datetime.now(UTC)
    latest: dict[uuid.UUID, Document] = {}
    for document in documents:
        latest[document.id] = document
    outcome = SaveOutcome()
    con.execute("BEGIN TRANSACTION")
    try:
        stored = _stored_hashes(con, list(latest))
        for doc_id, document in latest.items():
            if doc_id not in stored:
                placeholders = ", ".join("?" for _ in DOCUMENT_COLUMNS)
                con.execute(
                    f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}, first_seen_at,"
                    f" last_changed_at, version) VALUES ({placeholders}, ?, ?, 1)",
                    [*document_row(document), now, now],
                )
                outcome.new.append(doc_id)
                kill_point("save_documents")  # crash tests: die mid-transaction
            elif stored[doc_id] != document.content_hash:
                assignments = ", ".join(f"{c} = ?" for c in DOCUMENT_COLUMNS if c != "id")
                con.execute(
                    f"UPDATE documents SET {assignments}, last_changed_at = ?,"
                    " version = version + 1 WHERE id = ?",
                    [*document_row(document)[1:], now, doc_id],
                )
                outcome.updated.append(doc_id)
            else:
                outcome.unchanged.append(doc_id)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return outcome


def _embedding_table(enrichments: list[Enrichment]) -> pa.Table:
    chunk_ids: list[str] = []
    document_ids: list[str] = []
    versions: list[str] = []
    vectors: list[list[float]] = []
    for enrichment in enrichments:
        for chunk, vector in zip(enrichment.chunks, enrichment.embeddings, strict=True):
            chunk_ids.append(str(chunk.id))
            document_ids.append(str(enrichment.document_id))
            versions.append(enrichment.model_version)
            vectors.append(vector)
    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    dimension = matrix.shape[1] if len(vectors) else 384
    flat = pa.array(matrix.ravel(), type=pa.float32())
    return pa.table({
        "chunk_id": pa.array(chunk_ids, type=pa.string()),
        "document_id": pa.array(document_ids, type=pa.string()),
        "model_version": pa.array(versions, type=pa.string()),
        "vector": pa.FixedSizeListArray.from_arrays(flat, dimension),
    })


def save_enrichments(
    con: duckdb.DuckDBPyConnection,
    enrichments: list[Enrichment],
    *,
    profile: str,
    content_hashes: dict[uuid.UUID, str],
    now: datetime | None = None,
) -> int:
    """Replace each document's chunks, vectors and theme scores, in one transaction."""
    if not enrichments:
        return 0
    now = now or datetime.now(UTC)
    doc_ids = [e.document_id for e in enrichments]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM chunk_embeddings WHERE list_contains(?, document_id)", [doc_ids])
        con.execute("DELETE FROM chunks WHERE list_contains(?, document_id)", [doc_ids])
        for table in ("theme_scores", "document_insights"):
            con.execute(
                f"DELETE FROM {table} WHERE profile = ? AND list_contains(?, document_id)",
                [profile, doc_ids],
            )
        con.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?)",
            [[c.id, c.document_id, c.index, c.text, c.start_char]
             for e in enrichments for c in e.chunks],
        )
        vectors = _embedding_table(enrichments)  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(
            "INSERT INTO chunk_embeddings SELECT chunk_id::UUID, document_id::UUID,"
            " model_version, vector::FLOAT[384] FROM vectors"
        )
        scores = [s for e in enrichments for s in e.theme_scores]
        if scores:
            con.executemany(
                f"INSERT INTO theme_scores ({', '.join(THEME_SCORE_FIELDS)})"
                f" VALUES ({', '.join('?' for _ in THEME_SCORE_FIELDS)})",
                [theme_score_row(s) for s in scores],
            )
        insights = [e.insight for e in enrichments if e.insight is not None]
        if insights:
            con.executemany(
                f"INSERT INTO document_insights ({', '.join(INSIGHT_FIELDS)})"
                f" VALUES ({', '.join('?' for _ in INSIGHT_FIELDS)})",
                [insight_row(i) for i in insights],
            )
        con.executemany(
            "INSERT OR REPLACE INTO enrichment_state VALUES (?, ?, ?, ?, ?)",
            [[e.document_id, profile, content_hashes[e.document_id], e.model_version, now]
             for e in enrichments],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(enrichments)


def save_watermark(con: duckdb.DuckDBPyConnection, source: str, watermark: datetime) -> None:
    """Advance a source's watermark; it never moves backwards."""
    con.execute(
        "INSERT INTO source_watermarks VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET"
        " watermark = greatest(source_watermarks.watermark, excluded.watermark),"
        " updated_at = excluded.updated_at",
        [source, watermark, datetime.now(UTC)],
    )


def save_run_report(con: duckdb.DuckDBPyConnection, report: RunReport) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT OR REPLACE INTO flow_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [report.run_id, report.flow, report.profile, report.started_at, report.finished_at,
             report.status.value, report.enriched, report.outputs, report.notes],
        )
        con.execute("DELETE FROM flow_run_sources WHERE run_id = ?", [report.run_id])
        for source in report.sources:
            con.execute(
                "INSERT INTO flow_run_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [report.run_id, source.source, source.fetched, source.new, source.updated,
                 source.unchanged, source.failed, source.health, source.errors],
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
