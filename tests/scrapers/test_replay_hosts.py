from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scrapers.replay import serve_snapshot


@pytest.fixture(scope="module")
def samples(samples_dir: Path) -> Iterator[str]:
    with serve_snapshot(samples_dir) as base:
        yield base


def test_replay_hosts_answer_a_matching_etag_with_304(samples: str) -> None:
    url = f"{samples}/bills.parliament.uk/rss/publicbills.rss"
    first = httpx.get(url)
    again = httpx.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert (first.status_code, again.status_code, again.content) == (200, 304, b"")


def test_replay_hosts_bills_api_serves_the_body_not_the_capture_wrapper(samples: str) -> None:
    body = httpx.get(f"{samples}/bills-api.parliament.uk/api/v1/Bills",
                     params={"Take": 4, "Skip": 4}).json()
    assert set(body) == {"items", "totalResults", "itemsPerPage"}
    assert body["totalResults"] == 6 and len(body["items"]) == 2


def test_replay_hosts_contracts_finder_pages_by_cursor(samples: str) -> None:
    url = f"{samples}/www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search"
    first = httpx.get(url, params={"limit": 10}).json()
    following = first["links"]["next"].replace("https://", f"{samples}/")
    second = httpx.get(following).json()
    ids = [r["id"] for r in first["releases"] + second["releases"]]
    assert len(ids) == len(set(ids)) == 15 and "links" not in second


def test_replay_hosts_mirror_serves_files_with_status_markers(tmp_path: Path) -> None:
    folder = tmp_path / "regional" / "mirror" / "news.example.org" / "feed"
    folder.mkdir(parents=True)
    (folder / "index.http-503.xml").write_text("<rss/>")
    (tmp_path / "regional" / "mirror" / "news.example.org" / "about.html").write_text("<p>x</p>")
    with serve_snapshot(tmp_path) as base:
        assert httpx.get(f"{base}/news.example.org/feed/").status_code == 503
        about = httpx.get(f"{base}/news.example.org/about")
        assert about.status_code == 200 and about.headers["content-type"].startswith("text/html")
        assert httpx.get(f"{base}/news.example.org/../../etc/passwd").status_code == 404


def test_replay_hosts_written_question_detail_falls_back_to_the_list_item(samples: str) -> None:
    listed = httpx.get(f"{samples}/questions-statements-api.parliament.uk/api/"
                       "writtenquestions/questions", params={"take": 1}).json()
    question_id = listed["results"][0]["value"]["id"]
    detail = httpx.get(f"{samples}/questions-statements-api.parliament.uk/api/"
                       f"writtenquestions/questions/{question_id}").json()
    assert detail["value"] == json.loads(json.dumps(listed["results"][0]["value"]))
