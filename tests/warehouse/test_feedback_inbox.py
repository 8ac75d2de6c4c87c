"""The web feedback inbox (warehouse/feedback_inbox.py): constructed labels and documents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.feedback_inbox import InboxLabel, append_feedback, import_feedback, inbox_path
from warehouse.save import save_documents

AT = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def _label(document_id: uuid.UUID, **overrides) -> InboxLabel:
    values = dict(label_id=uuid.uuid4(), labelled_at=AT, who="cos@example.org",
                  document_id=document_id, profile="wmca", theme="transport", verdict="no",
                  shown_model_version="heads-v", shown_score=0.61, via="digest")
    values.update(overrides)
    return InboxLabel(**values)


def test_feedback_inbox_sits_beside_the_warehouse() -> None:
    assert inbox_path(Path("data/horizon.duckdb")) == Path("data/horizon-feedback.jsonl")


def test_feedback_inbox_import_is_idempotent_and_skips_unknown_documents(tmp_path: Path) -> None:
    con = connect(":memory:")
    document = make_document()
    save_documents(con, [document])
    inbox = tmp_path / "inbox.jsonl"
    clicked = _label(document.id)
    append_feedback(inbox, clicked)
    append_feedback(inbox, clicked)  # the same link posted twice
    append_feedback(inbox, _label(uuid.uuid4()))  # a document no longer stored
    with inbox.open("a", encoding="utf-8") as handle:
        handle.write('{"label_id": "torn')  # a write cut short

    assert import_feedback(con, inbox) == (1, 1)
    assert import_feedback(con, inbox) == (0, 1)
    row = con.execute("SELECT who, verdict, shown_model_version, shown_score, via FROM labels"
                      ).fetchone()
    assert row == ("cos@example.org", "no", "heads-v", 0.61, "digest")


def test_feedback_inbox_missing_file_imports_nothing(tmp_path: Path) -> None:
    assert import_feedback(connect(":memory:"), tmp_path / "none.jsonl") == (0, 0)
