"""Collection never loses an item it has seen listed (issue 12, points 1-3 and 12), over real
crawl processes against loopback servers holding constructed items (ours):

- a GOV.UK listing longer than max_items resumes where it stopped, in normal runs and with
  --full-refresh, and says so (degraded, not ok) while a backlog remains;
- an item whose parser raises anything (TypeError, RecursionError...) is a failure naming its URL;
  after N failed runs it is quarantined, skipped, shown by `horizon sources`, and fetched again by
  --retry-quarantined;
- a feed entry that keeps failing holds its source's watermark only until it is quarantined;
- a title holding any line separator is stored;
- a truncated feed fails with its reason and stores no entry of it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.collection_cases import (
    DEEP,
    ODD,
    SEPARATORS,
    collect_once,
    truncated_feed_runs,
)
from tests.support.fault_server import fault_server, rss
from tests.support.govuk_server import START, govuk_server, govuk_source
from tests.support.hardening_world import feed_source, small_snapshot
from warehouse.collection_state import item_failures, load_cursor
from warehouse.config.sources import SourceConfig
from warehouse.db import connect
from warehouse.queries import get_watermark
from warehouse.records import SourceReport

pytestmark = pytest.mark.slow


def stored_urls(db: Path) -> list[str]:
    with connect(db, read_only=True) as con:
        return [u for (u,) in con.execute("SELECT url FROM documents ORDER BY url").fetchall()]


def run(url: str, tmp: Path, source: SourceConfig, **options: bool) -> SourceReport:
    (report,) = collect_once(url, str(tmp / "h.duckdb"), str(tmp / "work"), [source], **options)
    return report


@pytest.mark.parametrize("full_refresh", [False, True], ids=["watermark", "full-refresh"])
def test_listing_past_the_cap_resumes_where_it_stopped(tmp_path: Path, full_refresh: bool) -> None:
    with govuk_server() as (state, url):
        paths = state.add_many(25)
        source = govuk_source(max_items=10)
        reports = [run(url, tmp_path, source, full_refresh=full_refresh) for _ in range(3)]
        stored = stored_urls(tmp_path / "h.duckdb")
        assert len(stored) == len(set(stored)) == 25, [r.errors for r in reports]
        assert [r.health for r in reports] == ["degraded", "degraded", "ok"]
        assert "the next run resumes at item 10" in " ".join(reports[0].errors)
        state.add("/government/news/later", "Later", START + timedelta(days=3))
        run(url, tmp_path, source, full_refresh=full_refresh)
    stored = stored_urls(tmp_path / "h.duckdb")
    assert len(stored) == len(set(stored)) == 26
    assert {f"https://www.gov.uk{p}" for p in paths} <= set(stored)


def test_item_whose_parser_raises_is_reported_then_quarantined(tmp_path: Path) -> None:
    with govuk_server() as (state, url):
        state.add_many(2)
        for path, extra in ODD.items():
            state.add(path, path.rsplit("/", 1)[1], START + timedelta(hours=5), **extra)
        state.add("/government/news/deep", "Deep", START + timedelta(hours=6), body=DEEP)
        source = govuk_source()
        first = run(url, tmp_path, source)
        odd = {f"https://www.gov.uk{p}" for p in [*ODD, "/government/news/deep"]}
        assert first.health == "degraded" and first.failed == 3, first.errors
        assert {e.split(": ", 1)[0] for e in first.errors if "parser failed" in e} == odd
        second = run(url, tmp_path, source)
        assert "3 items quarantined" in " ".join(second.errors)
        with connect(tmp_path / "h.duckdb", read_only=True) as con:
            failures = item_failures(con)
            assert get_watermark(con, source.name) is not None  # not held by the bad items
        assert {f.url for f in failures if f.quarantined_at} == odd
        hits = dict(state.content_hits)
        third = run(url, tmp_path, source)
        assert third.failed == 0 and "3 quarantined items listed again and skipped" in " ".join(
            third.errors)
        assert {p: state.content_hits[p] for p in hits} == hits  # no quarantined item fetched
        shown = CliRunner().invoke(
            __import__("flows.cli", fromlist=["app"]).app,
            ["sources", "--db", str(tmp_path / "h.duckdb")], terminal_width=200)
        assert "parts-an-int" in shown.output and "quarantined" in shown.output, shown.output
        for path in [*ODD, "/government/news/deep"]:  # the publisher fixes them
            state.add(path, "Fixed " + path.rsplit("/", 1)[1], START + timedelta(hours=7))
        retried = run(url, tmp_path, source, retry_quarantined=True)
    assert retried.failed == 0, retried.errors
    assert odd <= set(stored_urls(tmp_path / "h.duckdb"))
    with connect(tmp_path / "h.duckdb", read_only=True) as con:
        assert item_failures(con) == []
        assert load_cursor(con, source.name) is None


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
def test_title_with_any_line_separator_is_stored(tmp_path: Path, separator: str) -> None:
    with govuk_server() as (state, url):
        state.add("/government/news/sep", f"Bus{separator}franchising", START)
        report = run(url, tmp_path, govuk_source())
    assert report.health == "ok" and report.new == 1, report.errors
    with connect(tmp_path / "h.duckdb", read_only=True) as con:
        (title,) = con.execute("SELECT title FROM documents").fetchone()
    assert title.startswith("Bus") and title.endswith("franchising")


def test_truncated_feed_fails_with_reason_and_stores_nothing(tmp_path: Path) -> None:
    report, stored, healed = truncated_feed_runs(tmp_path)
    assert report.health == "failing" and "truncated document" in " ".join(report.errors)
    assert stored == 0
    assert healed.health == "ok" and healed.new == 2


def test_feed_entry_that_keeps_failing_holds_the_watermark_until_quarantined(
        tmp_path: Path) -> None:
    host = "badentry.example.org"
    body = rss(host, [("good", "Good story", "Tue, 17 Nov 2026 09:00:00 +0000"),
                      ("bad", "Bad link", "Wed, 18 Nov 2026 10:30:00 +0000")]).replace(
        f"https://{host}/news/bad</link>".encode(), b"mailto:bad@example.org</link>")
    with fault_server(small_snapshot(tmp_path / "snapshot")) as server:
        from tests.support.fault_server import FAULTS
        FAULTS["one_bad_entry"] = lambda h, host, rest: h.reply(200, body)
        server.faults[host] = "one_bad_entry"
        source = feed_source("bad_entry", host)
        marks = []
        for _ in range(3):
            report = run(server.url, tmp_path, source)
            with connect(tmp_path / "h.duckdb", read_only=True) as con:
                marks.append(get_watermark(con, source.name))
    assert marks[0] is None  # the failed entry may be older than the stored one: held
    assert marks[1] is not None  # quarantined after 2 runs: it holds the source no longer
    assert report.failed == 0
