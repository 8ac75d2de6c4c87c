from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.queries import (
    get_watermark,
    insights_for,
    known_versions,
    load_documents,
    row_counts,
)
from warehouse.records import (
    Chunk,
    DocumentInsight,
    Enrichment,
    FundingFacts,
    RunReport,
    Signal,
    SourceReport,
    ThemeScore,
)
from warehouse.save import save_documents, save_enrichments, save_run_report, save_watermark


def _batch():
    return [
        make_document(),
        make_document(url="https://www.gov.uk/government/news/second", title="Second"),
    ]


def test_save_documents_twice_changes_nothing() -> None:
    con = connect()
    first = save_documents(con, _batch())
    before = con.execute("SELECT * FROM documents ORDER BY id").fetchall()
    second = save_documents(con, _batch())
    assert (len(first.new), len(second.new), len(second.unchanged)) == (2, 0, 2)
    assert con.execute("SELECT * FROM documents ORDER BY id").fetchall() == before


def test_changed_document_updates_in_place_and_keeps_its_id() -> None:
    con = connect()
    save_documents(con, _batch())
    changed = make_document(title="More buses for the West Midlands (updated)")
    outcome = save_documents(con, [changed])
    assert outcome.updated == [changed.id]
    assert row_counts(con)["documents"] == 2
    [stored] = load_documents(con, [changed.id])
    assert stored.title.endswith("(updated)")
    version = con.execute("SELECT version FROM documents WHERE id = ?", [changed.id]).fetchone()
    assert version == (2,)


def test_documents_round_trip_unchanged() -> None:
    con = connect()
    closes = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    document = make_document(tags=["Transport"], closes_at=closes)
    save_documents(con, [document])
    assert load_documents(con, [document.id]) == [document]
    assert known_versions(con, "govuk_news") == {document.url: document.updated_at}


def _enrichment(document_id: uuid.UUID, text: str) -> Enrichment:
    chunk = Chunk.of(document_id, 0, text)
    score = ThemeScore(document_id=document_id, profile="wmca", theme="transport", score=0.8,
                       above_threshold=True, evidence=text, model_version="m1")
    insight = DocumentInsight(document_id=document_id, profile="wmca", signal=Signal.OPPORTUNITY,
                              signal_score=0.7, signal_reason=f"new money: {text}",
                              region_score=0.9, places=["Birmingham"], model_version="m1",
                              funding=FundingFacts(funder="DfT", total_amount_gbp=1e6))
    return Enrichment(document_id=document_id, chunks=[chunk], embeddings=[[0.1] * 384],
                      theme_scores=[score], insight=insight, model_version="m1")


def test_save_enrichments_replaces_previous_rows() -> None:
    con = connect()
    document = make_document()
    save_documents(con, [document])
    hashes = {document.id: document.content_hash}
    save_enrichments(con, [_enrichment(document.id, "a")], profile="wmca", content_hashes=hashes)
    save_enrichments(con, [_enrichment(document.id, "b")], profile="wmca", content_hashes=hashes)
    counts = row_counts(con)
    assert (counts["chunks"], counts["chunk_embeddings"], counts["theme_scores"]) == (1, 1, 1)
    assert con.execute("SELECT text FROM chunks").fetchone() == ("b",)
    insight = insights_for(con, "wmca", [document.id])[document.id]
    assert (insight.signal_reason, insight.funding.funder) == ("new money: b", "DfT")
    assert counts["document_insights"] == 1
    vector = con.execute("SELECT vector FROM chunk_embeddings").fetchone()[0]
    assert len(vector) == 384


def test_watermark_never_moves_backwards() -> None:
    con = connect()
    later = datetime(2026, 11, 21, tzinfo=UTC)
    save_watermark(con, "govuk_news", later)
    save_watermark(con, "govuk_news", datetime(2026, 11, 1, tzinfo=UTC))
    assert get_watermark(con, "govuk_news") == later


def test_run_report_saved_with_per_source_counts() -> None:
    con = connect()
    report = RunReport(
        run_id=uuid.uuid4(), flow="daily_digest", profile="wmca",
        started_at=datetime.now(UTC), finished_at=datetime.now(UTC),
        sources=[SourceReport(source="govuk_news", fetched=3, new=2, failed=1, errors=["x: 500"])],
    )
    save_run_report(con, report)
    save_run_report(con, report)
    query = "SELECT source, new, failed, health, errors FROM flow_run_sources"
    rows = con.execute(query).fetchall()
    assert rows == [("govuk_news", 2, 1, "degraded", ["x: 500"])]


def test_documents_with_funding_and_metadata_round_trip() -> None:
    from warehouse.records import ApplicantType, FundingFacts

    con = connect()
    funding = FundingFacts(funder="Innovate UK", max_award_gbp=2_000_000,
                           closes_at=datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
                           eligible_applicants=[ApplicantType.BUSINESS])
    document = make_document(funding=funding, metadata={"party": "Labour"}, people=["A Member"])
    save_documents(con, [document])
    assert load_documents(con, [document.id]) == [document]
    assert save_documents(con, [document]).unchanged == [document.id]
