from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from scrapers.govuk.config import load_supergroups
from scrapers.govuk.search import parse_search_page
from scrapers.replay import serve_snapshot
from warehouse.config.settings import Settings

FIELDS = "title,link,public_timestamp,content_store_document_type"


def _search(base: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base}/www.gov.uk/api/search.json", params=params)


def _links_in_group(govuk_samples: Path, group: str) -> set[str]:
    supergroups = load_supergroups(Settings().config_dir)
    links = set()
    for path in (govuk_samples / "content_api").rglob("*.json"):
        item = json.loads(path.read_bytes())
        if supergroups.of(item["document_type"]) == group:
            links.add(item["base_path"])
    return links


def test_replay_search_filters_by_supergroup(samples_replay: str, govuk_samples: Path) -> None:
    body = _search(samples_replay, filter_content_purpose_supergroup="policy_and_engagement",
                   count=100, fields=FIELDS).json()
    expected = _links_in_group(govuk_samples, "policy_and_engagement")
    assert body["total"] == len(expected) == len(body["results"])
    assert {r["link"] for r in body["results"]} == expected


def test_replay_search_has_the_real_response_shape(samples_replay: str) -> None:
    response = _search(samples_replay, count=3, fields=FIELDS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert {"results", "total", "start", "aggregates", "suggested_queries"} <= set(body)
    result = body["results"][0]
    assert set(FIELDS.split(",")) | {"_id", "document_type", "index"} <= set(result)
    assert result["_id"] == result["link"]
    assert parse_search_page(response.content).results[0].link == result["link"]


def test_replay_search_orders_newest_first(samples_replay: str) -> None:
    results = _search(samples_replay, order="-public_timestamp", count=100,
                      fields=FIELDS).json()["results"]
    stamps = [datetime.fromisoformat(r["public_timestamp"]) for r in results
              if r["public_timestamp"]]
    assert stamps == sorted(stamps, reverse=True)


def test_replay_search_pages_without_overlap(samples_replay: str) -> None:
    total = _search(samples_replay, count=0).json()["total"]
    links: list[str] = []
    for start in range(0, total + 5, 5):
        page = _search(samples_replay, count=5, start=start, fields="link").json()
        assert page["start"] == start and page["total"] == total
        links += [r["link"] for r in page["results"]]
    assert len(links) == len(set(links)) == total


def test_replay_search_filters_by_public_timestamp(samples_replay: str) -> None:
    results = _search(samples_replay, filter_public_timestamp="from:2020-01-01", count=100,
                      fields=FIELDS).json()["results"]
    assert results
    assert all(datetime.fromisoformat(r["public_timestamp"]) >= datetime(2020, 1, 1, tzinfo=UTC)
               for r in results)
    window = _search(samples_replay, filter_public_timestamp="from:2016-12-01,to:2016-12-31",
                     count=100, fields=FIELDS).json()["results"]
    assert window and all(r["public_timestamp"].startswith("2016-12") for r in window)


@pytest.mark.parametrize("params", [
    {"colour": "blue"},
    {"count": "lots"},
    {"count": "1501"},
    {"order": "-popularity_of_cats"},
    {"fields": "title,secret_field"},
    {"filter_public_timestamp": "since:2020-01-01"},
    {"filter_public_timestamp": "from:2020-13-45"},
])
def test_replay_search_refuses_bad_parameters_with_422(samples_replay: str,
                                                       params: dict[str, str]) -> None:
    response = _search(samples_replay, **params)
    assert response.status_code == 422
    assert response.json()["error"]


def test_replay_serves_content_items_byte_for_byte(samples_replay: str,
                                                   govuk_samples: Path) -> None:
    path = govuk_samples / "content_api/speech/speech.json"
    base_path = json.loads(path.read_bytes())["base_path"]
    response = httpx.get(f"{samples_replay}/www.gov.uk/api/content{base_path}")
    assert response.status_code == 200
    assert response.content == path.read_bytes()


def test_replay_serves_the_later_state_of_a_duplicated_base_path(samples_replay: str) -> None:
    item = httpx.get(f"{samples_replay}/www.gov.uk/api/content/government/consultations/"
                     "postgraduate-doctoral-loans").json()
    assert item["withdrawn_notice"]["withdrawn_at"] == "2016-11-12T09:52:00Z"


@pytest.mark.parametrize("path", ["/robots.txt", "/www.gov.uk/robots.txt",
                                  "/other.host/robots.txt"])
def test_replay_robots_allow_everything(samples_replay: str, path: str) -> None:
    response = httpx.get(samples_replay + path)
    assert response.status_code == 200 and "Allow: /" in response.text


@pytest.mark.parametrize("path", ["/www.gov.uk/api/content/no/such/page", "/www.gov.uk/",
                                  "/unknown.host/api/search.json", "/"])
def test_replay_unknown_paths_are_404(samples_replay: str, path: str) -> None:
    assert httpx.get(samples_replay + path).status_code == 404


@pytest.fixture
def broken_snapshot(tmp_path: Path, govuk_samples: Path) -> Iterator[str]:
    folder = tmp_path / "govuk" / "content_api" / "mixed"
    folder.mkdir(parents=True)
    good = (govuk_samples / "content_api/speech/speech.json").read_bytes()
    (folder / "good.json").write_bytes(good)
    (folder / "html.json").write_text("<html><body>Oops</body></html>")
    (folder / "flaky.http-503.json").write_text("{}")
    with serve_snapshot(tmp_path) as base:
        yield base


def test_replay_serves_broken_files_under_replay_broken(broken_snapshot: str) -> None:
    response = httpx.get(f"{broken_snapshot}/www.gov.uk/api/content/replay-broken/html")
    assert response.status_code == 200
    assert response.text == "<html><body>Oops</body></html>"
    flaky = httpx.get(f"{broken_snapshot}/www.gov.uk/api/content/replay-broken/flaky.http-503")
    assert flaky.status_code == 503


def test_replay_lists_broken_files_in_every_supergroup(broken_snapshot: str) -> None:
    for group in ("news_and_communications", "policy_and_engagement"):
        body = _search(broken_snapshot, filter_content_purpose_supergroup=group,
                       fields="link").json()
        links = {r["link"] for r in body["results"]}
        assert {"/replay-broken/html", "/replay-broken/flaky.http-503"} <= links


def test_serve_snapshot_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), serve_snapshot(tmp_path / "absent"):
        pass
