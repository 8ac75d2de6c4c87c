"""The office's theme labels (migration 009): save one, count them, read them for a refit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

import duckdb

Verdict = Literal["yes", "no", "irrelevant"]
VERDICTS: tuple[str, ...] = ("yes", "no", "irrelevant")


class UnknownDocument(ValueError):
    """The labelled document is not in the warehouse."""


def save_label(
    con: duckdb.DuckDBPyConnection, *, document_id: uuid.UUID, profile: str, theme: str,
    verdict: str, who: str, via: str = "cli", now: datetime | None = None,
) -> uuid.UUID:
    """Record one judgement with what Horizon showed for it (model version and score)."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    if con.execute("SELECT count(*) FROM documents WHERE id = ?", [document_id]).fetchone()[0] == 0:
        raise UnknownDocument(f"no document {document_id} in the warehouse")
    shown = con.execute(
        "SELECT model_version, score FROM theme_scores WHERE document_id = ? AND profile = ?"
        " AND theme = ?", [document_id, profile, theme]).fetchone()
    label_id = uuid.uuid4()
    con.execute(
        "INSERT INTO labels (label_id, labelled_at, who, document_id, profile, theme, verdict,"
        " shown_model_version, shown_score, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [label_id, now or datetime.now(UTC), who, document_id, profile, theme, verdict,
         shown[0] if shown else "", shown[1] if shown else None, via])
    return label_id


def count_labels(con: duckdb.DuckDBPyConnection, profile: str) -> int:
    return int(con.execute("SELECT count(*) FROM labels WHERE profile = ?", [profile])
               .fetchone()[0])
