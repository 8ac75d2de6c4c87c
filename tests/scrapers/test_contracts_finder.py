from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.funding import contracts_finder
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import DocumentKind

BASE = "https://www.contractsfinder.service.gov.uk"


def ocds_files(samples_dir: Path) -> list[Path]:
    return sorted((samples_dir / "funding").glob("contracts_finder_ocds_*/*.json"))


def _parse(path: Path):
    return parse_file(contracts_finder, path, context("contracts_finder", BASE))


def test_contracts_finder_every_recorded_release_parses_with_invariants(
        samples_dir: Path) -> None:
    assert len(ocds_files(samples_dir)) == 16
    for path in ocds_files(samples_dir):
        parsed = _parse(path)
        assert parsed.errors == []
        assert_record_invariants(parsed.documents, _parse(path).documents)


def test_contracts_finder_wmca_award_fields(samples_dir: Path) -> None:
    path = next(p for p in ocds_files(samples_dir) if "west-midlands-combined" in p.name)
    document = _parse(path).documents[0]
    assert document.kind is DocumentKind.TENDER
    assert document.url == f"{BASE}/Notice/7785fb0f-53ac-4c0d-8ea5-27fdccd041b8"
    assert document.title == "Rail Reform Positioning for West Midlands Rail Executive"
    assert document.organisations == ["West Midlands Combined Authority"]
    assert document.metadata["stage"] == "award"
    assert document.metadata["suppliers"] == "Grant Thornton Uk LLP"
    assert document.funding is not None and document.funding.total_amount_gbp == 40000
    assert document.funding.place_restrictions == ["West Midlands"]
    assert document.closes_at is not None and document.closes_at.isoformat() == (
        "2025-02-04T12:00:00+00:00")


def test_contracts_finder_tender_notice_url_comes_from_its_document(samples_dir: Path) -> None:
    path = next(p for p in ocds_files(samples_dir) if "Release81" in p.name)
    document = _parse(path).documents[0]
    assert document.url == f"{BASE}/Notice/43fda075-f559-47d2-96de-038f2d1633c4"
    assert document.funding.min_award_gbp == 48000 and document.funding.total_amount_gbp == 60000


def test_contracts_finder_record_package_is_the_same_notice_as_its_release(
        samples_dir: Path) -> None:
    folder = samples_dir / "funding" / "contracts_finder_ocds_2014_ocp_sample"
    record = _parse(next(folder.glob("records_*.json"))).documents[0]
    release = _parse(next(folder.glob("releases_*59435*.json"))).documents[0]
    assert record.id == release.id


def test_contracts_finder_package_next_link_is_followed(samples_dir: Path,
                                                        tmp_path: Path) -> None:
    path = next(p for p in ocds_files(samples_dir) if "Release81" in p.name)
    release = json.loads(path.read_bytes())
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"releases": [release],
                                   "links": {"next": f"{BASE}/next?cursor=abc"}}))
    assert [f.url for f in _parse(package).follow] == [f"{BASE}/next?cursor=abc"]


def test_contracts_finder_non_ocds_body_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ParseError, match="OCDS"):
        _parse(path)


def test_contracts_finder_constructed_releases_are_tenders() -> None:
    files = sorted(CONSTRUCTED["contracts_finder"].glob("*.json"))
    documents = []
    for path in files:
        parsed = _parse(path)
        assert parsed.errors == []
        assert_record_invariants(parsed.documents, _parse(path).documents)
        documents += parsed.documents
    assert len(files) == 2 and {d.kind for d in documents} == {DocumentKind.TENDER}
    first = documents[0]
    assert first.url == f"{BASE}/Notice/0d3e0000-0000-4000-8000-00000000a001"
    assert first.title == "Bus Franchising Transition Support Services"
