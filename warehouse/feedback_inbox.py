"""Labels given in `horizon web` (feedback links, search page buttons) wait in an inbox file
next to the warehouse, because the web server never opens the warehouse (the daily run may hold
it); `import_feedback` moves them into the labels table (the refit does it first).

One JSON object a line, appended under an exclusive lock; importing is idempotent (the label id
is the primary key), so the file is never rewritten and a click recorded twice counts once.
"""

from __future__ import annotations

import fcntl
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.labels import VERDICTS


@dataclass(frozen=True)
class InboxLabel:
    label_id: uuid.UUID
    labelled_at: datetime
    who: str
    document_id: uuid.UUID
    profile: str
    theme: str
    verdict: str
    shown_model_version: str
    shown_score: float | None
    via: str  # "digest", "alert" (signed links) or "search" (the page's buttons)


def inbox_path(db_path: Path) -> Path:
    """data/horizon.duckdb -> data/horizon-feedback.jsonl"""
    return Path(db_path).with_name(Path(db_path).stem + "-feedback.jsonl")


def append_feedback(path: Path, label: InboxLabel) -> None:
    if label.verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
    values = {**asdict(label), "label_id": str(label.label_id),
              "document_id": str(label.document_id),
              "labelled_at": label.labelled_at.isoformat()}
    line = json.dumps(values, ensure_ascii=True, separators=(",", ":")) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line)
            handle.flush()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_feedback(path: Path) -> list[InboxLabel]:
    """The inbox's labels; a malformed line (a torn write) is skipped."""
    if not path.is_file():
        return []
    labels = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            data = json.loads(line)
            labels.append(InboxLabel(**{**data, "label_id": uuid.UUID(data["label_id"]),
                                        "document_id": uuid.UUID(data["document_id"]),
                                        "labelled_at": datetime.fromisoformat(
                                            data["labelled_at"])}))
        except (ValueError, KeyError, TypeError):
            continue
    return [label for label in labels if label.verdict in VERDICTS]


def import_feedback(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int]:
    """(labels newly imported, labels skipped because their document is not stored)."""
    labels = read_feedback(path)
    if not labels:
        return 0, 0
    known = {row[0] for row in con.execute(
        "SELECT id FROM documents WHERE list_contains(?, id)",
        [sorted({label.document_id for label in labels})]).fetchall()}
    before = con.execute("SELECT count(*) FROM labels").fetchone()[0]
    rows = [[label.label_id, label.labelled_at, label.who, label.document_id, label.profile,
             label.theme, label.verdict, label.shown_model_version, label.shown_score,
             label.via] for label in labels if label.document_id in known]
    if rows:
        con.executemany(
            "INSERT INTO labels (label_id, labelled_at, who, document_id, profile, theme,"
            " verdict, shown_model_version, shown_score, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?) ON CONFLICT (label_id) DO NOTHING", rows)
    after = con.execute("SELECT count(*) FROM labels").fetchone()[0]
    return int(after - before), len(labels) - len(rows)
