from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.parliament import parlparse
from scrapers.parliament.parlparse import parse_parlparse, pick_files
from tests.support.source_fixtures import (
    CONSTRUCTED,
    FETCHED_AT,
    assert_record_invariants,
    context,
    parse_file,
)
from warehouse.records import DocumentKind


def xml_files(samples_dir: Path) -> list[Path]:
    return sorted((samples_dir / "parliament" / "twfy_parlparse_xml").glob("*.xml"))


@pytest.fixture(scope="module")
def parsed(samples_dir: Path) -> dict[str, list]:
    return {f.name: parse_parlparse(f.read_bytes(), source="parliament_debates",
                                    fetched_at=FETCHED_AT) for f in xml_files(samples_dir)}


def test_parlparse_every_sample_file_parses_with_invariants(samples_dir: Path, parsed) -> None:
    for file in xml_files(samples_dir):
        documents, errors = parsed[file.name]
        again, _ = parse_parlparse(file.read_bytes(), source="parliament_debates",
                                   fetched_at=FETCHED_AT)
        assert errors == []
        assert_record_invariants(documents, again)


def test_parlparse_debates_one_record_per_speech_with_speaker_and_heading(parsed) -> None:
    documents, _ = parsed["debates2009-10-29a.xml"]
    assert len(documents) == 480  # every <speech> with text (SOURCES.md counts 480)
    first = documents[0]
    assert first.kind is DocumentKind.DEBATE
    assert first.url == "https://www.theyworkforyou.com/debates?id=2009-10-29a.421.2"
    assert first.title == "Canterbury City Council Bill (By Order)"
    assert first.metadata["heading"] == "BUSINESS BEFORE QUESTIONS"
    assert first.published_at is not None and first.published_at.isoformat().startswith(
        "2009-10-29T10:30")
    spoken = next(d for d in documents if d.people)
    assert spoken.title.endswith(spoken.people[0])


def test_parlparse_written_answers_pair_question_and_reply(parsed) -> None:
    documents, _ = parsed["answers2009-10-29a.xml"]
    first = documents[0]
    assert first.kind is DocumentKind.WRITTEN_QUESTION
    assert first.people == ["Bob Spink", "Jonathan R Shaw"]
    assert first.metadata["answered_by"] == "Jonathan R Shaw"
    assert first.organisations == ["WORK AND PENSIONS"]
    assert "Motability" in first.body_text and "\u00a3000" in first.body_text
    assert len(documents) == 302  # 303 questions, grouped where several share one reply


def test_parlparse_ministerial_statements_are_written_statements(parsed) -> None:
    documents, _ = parsed["ministerial2009-10-28a.xml"]
    assert {d.kind for d in documents} == {DocumentKind.WRITTEN_STATEMENT}
    assert documents[0].title == "Copyright Strategy"


def test_parlparse_index_picks_newest_version_of_days_since_watermark() -> None:
    hrefs = ["debates2026-11-18a.xml", "debates2026-11-19a.xml", "debates2026-11-19b.xml",
             "debates2026-11-20a.xml", "README"]
    assert pick_files(hrefs, date(2026, 11, 19), 2) == ["debates2026-11-19b.xml",
                                                        "debates2026-11-20a.xml"]
    assert pick_files(hrefs, None, 1) == ["debates2026-11-20a.xml"]


def test_parlparse_index_page_follows_files(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text('<html><body><a href="wms2026-11-18a.xml">x</a></body></html>')
    ctx = context("parliament_written_statements", "https://www.theyworkforyou.com",
                  {"folders": ["wms"]})
    parsed = parse_file(parlparse, page, ctx, step="index",
                        url="https://www.theyworkforyou.com/pwdata/scrapedxml/wms/")
    assert [f.url for f in parsed.follow] == [
        "https://www.theyworkforyou.com/pwdata/scrapedxml/wms/wms2026-11-18a.xml"]


def test_parlparse_garbage_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not well-formed"):
        parse_parlparse(b"<publicwhip><speech>", source="s", fetched_at=FETCHED_AT)


def test_parlparse_constructed_files_give_speeches_answers_and_statements() -> None:
    kinds: dict[DocumentKind, list] = {}
    for file in sorted(CONSTRUCTED["parlparse"].glob("*.xml")):
        documents, errors = parse_parlparse(file.read_bytes(), source="parliament_debates",
                                            fetched_at=FETCHED_AT)
        again, _ = parse_parlparse(file.read_bytes(), source="parliament_debates",
                                   fetched_at=FETCHED_AT)
        assert errors == []
        assert_record_invariants(documents, again)
        for document in documents:
            kinds.setdefault(document.kind, []).append(document)
    assert {DocumentKind.DEBATE, DocumentKind.WRITTEN_QUESTION,
            DocumentKind.WRITTEN_STATEMENT} <= set(kinds)
    speech = kinds[DocumentKind.DEBATE][0]
    assert speech.url == "https://www.theyworkforyou.com/debates?id=2026-11-19a.401.2"
    assert speech.title == "Bus Franchising: West Midlands: Demo Member for Birmingham Erdington"
    assert "£45 million capability fund" in speech.body_text  # &pound; entity resolved
