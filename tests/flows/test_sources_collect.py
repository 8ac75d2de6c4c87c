"""Collecting many sources: incremental replay runs, and one source failing never stops the others.

Runs real crawls (Scrapy child processes) against the loopback replay of a small snapshot.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from prefect import flow

from flows.tasks.collect import collect_sources
from tests.support.data_paths import DEMO_SNAPSHOT
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig, load_sources
from warehouse.db import connect
from warehouse.records import SourceReport
from warehouse.source_state import load_source_states

pytestmark = pytest.mark.slow

SOURCES = load_sources(Settings().config_dir)
PICKED = ("contracts_finder", "parliament_bills", "wmca_news")


@flow(name="collect-for-test")
def collect(snapshot: str, db: str, workdir: str, names: list[str],
            extra: list[SourceConfig] | None = None) -> list[SourceReport]:
    from flows.runtime.snapshot import replaying

    sources = [SOURCES[n] for n in names] + (extra or [])
    settings = Settings(download_timeout_seconds=1, crawl_timeout_seconds=60)
    with connect(db) as con, replaying(settings, Path(snapshot)) as live:
        return collect_sources(con, sources, live, Path(workdir), retries=0)


def by_source(reports: list[SourceReport]) -> dict[str, SourceReport]:
    return {r.source: r for r in reports}


def snapshot_of(tmp_path: Path) -> Path:
    target = tmp_path / "snapshot"
    for part in ("funding/contracts_finder_ocds_demo", "parliament/bills_api",
                 "regional/mirror/www.wmca.org.uk"):
        shutil.copytree(DEMO_SNAPSHOT / part, target / part)
    return target


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("incremental")
    snapshot = snapshot_of(base)
    db = str(base / "h.duckdb")
    first = collect(str(snapshot), db, str(base / "w1"), list(PICKED))
    second = collect(str(snapshot), db, str(base / "w2"), list(PICKED))
    return {"snapshot": snapshot, "db": db, "first": by_source(first),
            "second": by_source(second), "base": base}


def test_collect_first_replay_run_stores_every_source(twice: dict) -> None:
    first = twice["first"]
    assert {name: first[name].health for name in PICKED} == dict.fromkeys(PICKED, "ok")
    assert [first[name].new for name in PICKED] == [2, 2, 2]


def test_collect_second_replay_run_collects_nothing_new(twice: dict) -> None:
    second = twice["second"]
    assert sum(r.new + r.updated for r in second.values()) == 0
    assert all(r.health == "ok" and r.unchanged >= 1 for r in second.values())
    with connect(twice["db"], read_only=True) as con:
        cached = con.execute("SELECT count(*) FROM source_http_cache").fetchone()[0]
        states = load_source_states(con)
    assert cached >= len(PICKED)  # the listings are remembered, and re-read conditionally
    assert all(states[name].runs == 2 for name in PICKED)


def test_collect_changed_payload_yields_one_update(twice: dict) -> None:
    base, snapshot = twice["base"], twice["snapshot"]
    path = snapshot / "parliament/bills_api/bills_updated_2026-11-19.json"
    body = json.loads(path.read_text())
    body["items"][0]["currentStage"]["description"] = "Report stage"
    body["items"][0]["lastUpdate"] = "2026-11-21T09:00:00"
    path.write_text(json.dumps(body))
    third = by_source(collect(str(snapshot), twice["db"], str(base / "w3"), list(PICKED)))
    assert (third["parliament_bills"].new, third["parliament_bills"].updated) == (0, 1)
    assert sum(r.new + r.updated for r in third.values()) == 1
    with connect(twice["db"], read_only=True) as con:
        row = con.execute("SELECT metadata->>'stage', version FROM documents"
                          " WHERE url = 'https://bills.parliament.uk/bills/9901'").fetchone()
    assert row == ("Report stage", 2)


def _feed_source(name: str, host: str) -> SourceConfig:
    return SourceConfig(name=name, spider="news_feed", description=name,
                        base_url=f"https://{host}", params={"feeds": ["news/feed/"]},
                        max_requests_per_second=10)


def test_collect_isolates_sources_that_fail_time_out_or_return_garbage(
        tmp_path: Path) -> None:
    snapshot = snapshot_of(tmp_path)
    mirror = snapshot / "regional" / "mirror"
    for host, name in (("fail.example.org", "index.http-500.xml"),
                       ("slow.example.org", "index.delay-4.xml"),
                       ("garbage.example.org", "index.xml")):
        (mirror / host / "news" / "feed").mkdir(parents=True)
        (mirror / host / "news" / "feed" / name).write_bytes(
            b"\x00\x9f{garbage" if host.startswith("garbage") else b"<rss/>")
    broken = [_feed_source("answers_500", "fail.example.org"),
              _feed_source("times_out", "slow.example.org"),
              _feed_source("returns_garbage", "garbage.example.org")]
    db = str(tmp_path / "h.duckdb")
    reports = by_source(collect(str(snapshot), db, str(tmp_path / "w"), list(PICKED), broken))
    assert {n for n, r in reports.items() if r.health == "failing"} == {
        "answers_500", "times_out", "returns_garbage"}
    assert "HTTP 500" in " ".join(reports["answers_500"].errors)
    assert "Timeout" in " ".join(reports["times_out"].errors)
    assert "expected RSS or Atom" in " ".join(reports["returns_garbage"].errors)
    assert all(reports[name].health == "ok" for name in PICKED)
    with connect(db, read_only=True) as con:
        stored = dict(con.execute("SELECT source, count(*) FROM documents GROUP BY source")
                      .fetchall())
    assert stored == {"contracts_finder": 2, "parliament_bills": 2, "wmca_news": 2}


def test_collect_replays_the_real_samples_of_every_sample_backed_source(
        samples_dir: Path, tmp_path: Path) -> None:
    names = ["parliament_written_statements", "parliament_written_questions", "parliament_bills",
             "parliament_bills_rss", "contracts_finder", "threesixtygiving"]
    reports = by_source(collect(str(samples_dir), str(tmp_path / "h.duckdb"),
                                str(tmp_path / "w"), names))
    assert {n: r.health for n, r in reports.items()} == dict.fromkeys(names, "ok")
    new = {n: r.new for n, r in reports.items()}
    # 10 statements; 20 questions; 6 bills; 309 public + 6 private bills, one of them (High
    # Speed Rail (West Midlands - Crewe)) in both feeds; 15 notices (the OCP record is the same
    # notice as its release, and is not served by the release search); 53 + 70 + 5 grants.
    assert new == {"parliament_written_statements": 10, "parliament_written_questions": 20,
                   "parliament_bills": 6, "parliament_bills_rss": 314, "contracts_finder": 15,
                   "threesixtygiving": 128}
