"""Re-scored theme rows (warehouse/rescore.py) on a constructed warehouse."""

from __future__ import annotations

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.records import ThemeScore
from warehouse.rescore import save_rescored, stored_evidence
from warehouse.save import save_documents


def test_rescore_replaces_rows_like_the_enrichment_and_keeps_evidence() -> None:
    con = connect(":memory:")
    document = make_document()
    save_documents(con, [document])
    for theme, evidence in (("transport", "More buses."), ("growth", "")):
        con.execute("INSERT INTO theme_scores (document_id, profile, theme, score,"
                    " above_threshold, evidence, model_version) VALUES (?, 'wmca', ?, 0.2, false,"
                    " ?, 'old')", [document.id, theme, evidence])
    rows = [ThemeScore(document_id=document.id, profile="wmca", theme=theme, score=score,
                       above_threshold=score > 0.5, evidence=evidence, model_version="heads-new")
            for theme, score, evidence in (("transport", 0.9, "More buses."), ("housing", 0.1, ""))]

    assert save_rescored(con, rows) == 2
    stored = con.execute("SELECT theme, score, above_threshold, evidence, model_version FROM"
                         " theme_scores ORDER BY theme").fetchall()
    assert stored == [("housing", 0.1, False, "", "heads-new"),
                      ("transport", 0.9, True, "More buses.", "heads-new")]
    assert stored_evidence(con, "wmca", [document.id]) == {
        document.id: {"housing": "", "transport": "More buses."}}
