"""Source health across runs: a source that used to yield and now yields nothing is unhealthy,
and `horizon sources` shows each source's last success, last error, counts and health."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import time_machine
from typer.testing import CliRunner

from flows.cli import app
from flows.tasks.collect import record_health, store_crawl
from scrapers.crawl import CrawlResult
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.db import connect
from warehouse.records import SourceReport
from warehouse.source_state import SourceState, load_source_states, next_state

MONDAY = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)


def test_next_state_counts_empty_runs_and_keeps_the_last_yield() -> None:
    yielded = next_state(None, SourceReport(source="s", fetched=12, new=12), MONDAY)
    empty = next_state(yielded, SourceReport(source="s"), TUESDAY)
    assert (yielded.last_yield, yielded.last_success_at, yielded.runs) == (12, MONDAY, 1)
    assert (empty.last_health, empty.consecutive_empty_runs, empty.runs) == ("empty", 1, 2)
    assert (empty.last_yield, empty.last_yield_at, empty.last_success_at) == (12, MONDAY, MONDAY)


def test_next_state_remembers_the_last_error_after_recovery() -> None:
    failed = next_state(None, SourceReport(source="s", failed=1, errors=["x: HTTP 500"]), MONDAY)
    recovered = next_state(failed, SourceReport(source="s", fetched=3, unchanged=3), TUESDAY)
    assert (failed.last_health, failed.consecutive_failed_runs) == ("failing", 1)
    assert recovered.last_health == "ok" and recovered.consecutive_failed_runs == 0
    assert (recovered.last_error, recovered.last_error_at) == ("x: HTTP 500", MONDAY)


def test_store_crawl_flags_a_source_that_used_to_yield_and_now_yields_nothing() -> None:
    previous = SourceState(source="wmca_news", last_run_at=MONDAY, last_health="ok",
                           last_yield_at=MONDAY, last_yield=9)
    with connect() as con:
        report = store_crawl(con, CrawlResult(source="wmca_news"), previous)
    assert report.health == "empty"
    assert report.errors == ["yielded nothing; it used to (last 9 records on 2026-11-16)"]


def test_store_crawl_counts_not_modified_listings_as_unchanged_records() -> None:
    with connect() as con:
        report = store_crawl(con, CrawlResult(source="cpca_news", not_modified=7))
    assert (report.fetched, report.unchanged, report.health) == (7, 7, "ok")


def test_horizon_sources_lists_every_source_of_the_profile(tmp_path: Path) -> None:
    db = tmp_path / "h.duckdb"
    with connect(db) as con, time_machine.travel(TUESDAY, tick=False):
        record_health(con, [SourceReport(source="wmca_news", fetched=2, new=2),
                            SourceReport(source="find_a_grant", failed=1,
                                         errors=["https://x: HTTP 503"])], {})
        states = load_source_states(con)
    assert set(states) == {"wmca_news", "find_a_grant"}
    result = CliRunner().invoke(app, ["sources", "--profile", "wmca", "--db", str(db)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "ok" in lines["wmca_news"] and "2026-11-17 07:00" in lines["wmca_news"]
    assert "failing" in lines["find_a_grant"]
    assert "find_a_grant: 2026-11-17 07:00: https://x: HTTP 503" in result.output
    assert "never run" in lines["govuk_news"]
    assert set(load_profile(Settings().config_dir, "wmca").sources) <= set(lines)


