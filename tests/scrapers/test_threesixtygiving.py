from __future__ import annotations

import json
from pathlib import Path

from scrapers.funding import threesixtygiving
from scrapers.funding.threesixtygiving import parse_registry
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import DocumentKind

BASE = "https://data.threesixtygiving.org"


def grant_files(samples_dir: Path) -> list[Path]:
    return [p for p in sorted((samples_dir / "funding" / "threesixtygiving").glob("*.json"))
            if "schema" not in p.name]


def _parse(path: Path):
    return parse_file(threesixtygiving, path, context("threesixtygiving", BASE), step="grants")


def test_threesixtygiving_every_file_parses_with_invariants(samples_dir: Path) -> None:
    assert len(grant_files(samples_dir)) == 3
    for path in grant_files(samples_dir):
        parsed = _parse(path)
        assert parsed.errors == [] and parsed.listed == len(parsed.documents)
        assert_record_invariants(parsed.documents, _parse(path).documents)


def test_threesixtygiving_first_baring_grant_fields(samples_dir: Path) -> None:
    path = next(p for p in grant_files(samples_dir) if "baring" in p.name)
    document = _parse(path).documents[0]
    assert document.kind is DocumentKind.GRANT
    assert document.url == "https://grantnav.threesixtygiving.org/grant/360G-baringfoundation-20130071"
    assert document.organisations == ["The Baring Foundation", "Comic Relief Limited"]
    assert document.funding.funder == "The Baring Foundation"
    assert document.funding.total_amount_gbp == 50000
    assert document.published_at.date().isoformat() == "2014-03-17"  # awardDate 17/03/2014


def test_threesixtygiving_grantnav_places_include_district(samples_dir: Path) -> None:
    path = next(p for p in grant_files(samples_dir) if "grantnav" in p.name)
    document = _parse(path).documents[0]
    assert "City of Plymouth" in document.funding.place_restrictions


def test_threesixtygiving_registry_keeps_json_files_of_wanted_publishers() -> None:
    registry = [
        {"publisher": {"prefix": "360G-a", "name": "A"}, "modified": "2026-01-01",
         "distribution": [{"downloadURL": "https://a.example/grants.json"}]},
        {"publisher": {"prefix": "360G-b", "name": "B"}, "modified": "2026-02-01",
         "distribution": [{"downloadURL": "https://b.example/grants.xlsx"}]},
    ]
    assert parse_registry(registry, [], 5) == (["https://a.example/grants.json"], 1)
    assert parse_registry(registry, ["360G-b"], 5) == ([], 1)
    assert parse_registry(json.loads(json.dumps(registry)), ["a"], 0) == ([], 1)


def test_threesixtygiving_constructed_file_one_grant_per_record() -> None:
    path = CONSTRUCTED["threesixtygiving"] / "demo_west_midlands_community_grants.json"
    parsed = _parse(path)
    assert parsed.errors == [] and parsed.listed == len(parsed.documents) == 2
    assert_record_invariants(parsed.documents, _parse(path).documents)
    first = parsed.documents[0]
    assert first.kind is DocumentKind.GRANT
    assert first.url == "https://grantnav.threesixtygiving.org/grant/360G-demo-wmcf-2026-001"
    assert first.title == "Warm spaces network for Walsall (Demo Walsall Community Trust)"
    assert first.funding.total_amount_gbp == 25_000
