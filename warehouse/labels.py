"""The office's theme labels (migration 009): save one, count them, read them for a refit; the
refits' model versions (migration 014) and how many labels the current heads learned from."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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


@dataclass(frozen=True)
class OfficeLabel:
    document_id: uuid.UUID
    theme: str
    verdict: str
    labelled_at: datetime


def labels_for_refit(con: duckdb.DuckDBPyConnection, profile: str) -> list[OfficeLabel]:
    """Every label of a profile on a document still in the warehouse, oldest first."""
    rows = con.execute(
        "SELECT l.document_id, l.theme, l.verdict, l.labelled_at FROM labels l"
        " JOIN documents d ON d.id = l.document_id WHERE l.profile = ?"
        " ORDER BY l.labelled_at, l.label_id", [profile]).fetchall()
    return [OfficeLabel(*row) for row in rows]


@dataclass(frozen=True)
class ThemeModelVersion:
    model_version: str
    profile: str
    fitted_at: datetime
    office_labels: int
    labels_through: datetime | None
    devset: str = ""


def save_theme_model(con: duckdb.DuckDBPyConnection, version: ThemeModelVersion) -> None:
    con.execute(
        "INSERT OR REPLACE INTO theme_models (model_version, profile, fitted_at, office_labels,"
        " labels_through, devset) VALUES (?, ?, ?, ?, ?, ?)",
        [version.model_version, version.profile, version.fitted_at, version.office_labels,
         version.labels_through, version.devset])


def labels_learned(con: duckdb.DuckDBPyConnection, profile: str, model_version: str) -> int:
    """How many of the profile's labels the heads `model_version` were refitted on (0 for heads
    no refit recorded, such as `horizon themes fit` on the devset alone)."""
    row = con.execute(
        "SELECT count(l.label_id) FROM theme_models m JOIN labels l ON l.profile = m.profile"
        " AND l.labelled_at <= m.labels_through JOIN documents d ON d.id = l.document_id"
        " WHERE m.model_version = ? AND m.profile = ?",
        [model_version, profile]).fetchone()
    return int(row[0]) if row else 0


def current_labels_learned(con: duckdb.DuckDBPyConnection, profile: str) -> int:
    """Labels learned by the heads that scored the profile's stored documents: the latest refit
    whose version the theme rows carry (0 when no stored row was scored by a refit)."""
    row = con.execute(
        "SELECT m.model_version FROM theme_models m WHERE m.profile = ? AND EXISTS (SELECT 1"
        " FROM theme_scores t WHERE t.profile = m.profile AND t.model_version = m.model_version)"
        " ORDER BY m.fitted_at DESC LIMIT 1", [profile]).fetchone()
    return labels_learned(con, profile, row[0]) if row else 0
