"""The office's theme labels (migration 009). Constructed documents (tests/factories)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.labels import UnknownDocument, count_labels, save_label
from warehouse.save import save_documents


def _with_document():
    con = connect(":memory:")
    document = make_document()
    save_documents(con, [document])
    con.execute("INSERT INTO theme_scores (document_id, profile, theme, score, above_threshold,"
                " evidence, model_version) VALUES (?, 'wmca', 'transport', 0.42, true, '', 'v5')",
                [document.id])
    return con, document


def test_labels_save_records_what_was_shown() -> None:
    con, document = _with_document()
    save_label(con, document_id=document.id, profile="wmca", theme="transport", verdict="no",
               who="chief of staff")
    row = con.execute("SELECT who, verdict, shown_model_version, shown_score FROM labels"
                      ).fetchone()
    assert row == ("chief of staff", "no", "v5", pytest.approx(0.42))
    assert count_labels(con, "wmca") == 1 and count_labels(con, "cpca") == 0


def test_labels_refuse_unknown_documents_and_verdicts() -> None:
    con, document = _with_document()
    with pytest.raises(UnknownDocument):
        save_label(con, document_id=uuid.uuid4(), profile="wmca", theme="transport",
                   verdict="yes", who="x")
    with pytest.raises(ValueError):
        save_label(con, document_id=document.id, profile="wmca", theme="transport",
                   verdict="maybe", who="x")
