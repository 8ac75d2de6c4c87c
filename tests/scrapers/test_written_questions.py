from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.parliament import written_questions
from scrapers.parliament.written_questions import is_truncated
from tests.support.source_fixtures import (
    CONSTRUCTED,
    FETCHED_AT,
    assert_record_invariants,
    context,
    parse_file,
)
from warehouse.records import DocumentKind

BASE = "https://questions-statements-api.parliament.uk"


def list_files(samples_dir: Path) -> list[Path]:
    return sorted((samples_dir / "parliament" / "written_questions_api").glob("*.json"))


def _parse(path: Path):
    return parse_file(written_questions, path, context("parliament_written_questions", BASE),
                      url=f"{BASE}/api/writtenquestions/questions")


def test_written_questions_list_pages_parse_with_invariants(samples_dir: Path) -> None:
    for path in list_files(samples_dir):
        parsed, again = _parse(path), _parse(path)
        assert parsed.errors == []
        assert_record_invariants(parsed.documents, again.documents)


def test_written_questions_truncated_texts_fetch_the_full_question(samples_dir: Path) -> None:
    path = list_files(samples_dir)[0]
    values = [r["value"] for r in json.loads(path.read_bytes())["results"]]
    parsed = _parse(path)
    truncated = [v for v in values if is_truncated(v)]
    assert truncated and len(parsed.follow) == len(truncated)
    assert parsed.follow[0].url == (
        f"{BASE}/api/writtenquestions/questions/{truncated[0]['id']}?expandMember=true")
    assert len(parsed.documents) + len(parsed.follow) == len(values) == parsed.listed


def test_written_questions_first_complete_record_fields(samples_dir: Path) -> None:
    path = list_files(samples_dir)[0]
    value = next(r["value"] for r in json.loads(path.read_bytes())["results"]
                 if not is_truncated(r["value"]))
    document = _parse(path).documents[0]
    assert document.kind is DocumentKind.WRITTEN_QUESTION
    assert document.url.startswith(
        "https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/")
    assert document.url.endswith(value["uin"])
    assert document.title == value["heading"]
    assert document.organisations == [value["answeringBodyName"]]
    assert document.metadata["uin"] == value["uin"]


def test_written_questions_detail_gives_the_full_answer(samples_dir: Path,
                                                        tmp_path: Path) -> None:
    row = json.loads(list_files(samples_dir)[0].read_bytes())["results"][0]
    row["value"]["answerText"] = "A full answer, no longer cut short."
    detail = tmp_path / "detail.json"
    detail.write_text(json.dumps({"value": row["value"], "links": []}))
    parsed = parse_file(written_questions, detail, context("pwq", BASE), step="detail")
    assert parsed.documents[0].body_text.endswith("A full answer, no longer cut short.")
    assert parsed.documents[0].metadata["answered"] == "yes"


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b'{"results": 3}', b""])
def test_written_questions_bad_bodies_raise(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(body)
    with pytest.raises(ValueError):
        parse_file(written_questions, path, context("pwq", BASE))



@pytest.mark.live
def test_written_questions_live_api_parses() -> None:
    import httpx

    from scrapers.plan import Fetch

    ctx = context("pwq", BASE, since=FETCHED_AT.date())
    fetch = written_questions.start(ctx)[0]
    body = httpx.get(fetch.url, timeout=30).content
    parsed = written_questions.parse(Fetch(fetch.url), body, ctx)
    assert not parsed.errors


def test_written_questions_constructed_list_and_detail() -> None:
    folder = CONSTRUCTED["written_questions"]
    listing, again = (_parse(folder / "questions_answered_2026-11-20.json") for _ in range(2))
    assert listing.errors == [] and listing.listed == 2
    assert_record_invariants(listing.documents, again.documents)
    assert listing.documents[0].title == "Affordable Housing: Coventry"
    assert [f.url for f in listing.follow] == [
        f"{BASE}/api/writtenquestions/questions/1890001?expandMember=true"]
    detail = parse_file(written_questions, folder / "questions" / "1890001.json",
                        context("parliament_written_questions", BASE), step="detail",
                        url=listing.follow[0].url)
    document = detail.documents[0]
    assert document.kind is DocumentKind.WRITTEN_QUESTION
    assert document.url == ("https://questions-statements.parliament.uk/written-questions/"
                            "detail/2026-11-16/91001")
    assert document.organisations == ["Department for Transport"]
