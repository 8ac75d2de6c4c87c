"""Collection steps: fetch sources (I/O, retried, a few at a time) and store what they returned.

Each source is isolated: one timing out, answering errors or parsing to nothing is reported in its
SourceReport (and its history in source_state) and never stops the others.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
from prefect import allow_failure, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.futures import PrefectFuture

from flows.progress import progress_bar
from scrapers.crawl import CrawlResult, run_crawl
from warehouse.queries import get_watermark
from warehouse.records import Document, SourceReport
from warehouse.save import save_documents, save_watermark
from warehouse.settings import Settings
from warehouse.source_state import (
    SourceState,
    known_versions_everywhere,
    load_http_cache,
    load_source_states,
    next_state,
    save_http_cache,
    save_source_state,
    stored_versions,
)
from warehouse.sources import SourceConfig

CONCURRENT_CRAWLS = 4  # crawl child processes at once, across different hosts
_CRAWL_SLOTS = threading.BoundedSemaphore(CONCURRENT_CRAWLS)


class SourceUnavailable(RuntimeError):
    """A source that delivered nothing at all: worth retrying as a whole."""


@task(name="fetch-source", retries=2, retry_delay_seconds=10, cache_policy=NONE)
def fetch_source(
    source: SourceConfig,
    settings: Settings,
    workdir: Path,
    since: datetime | None,
    known: dict[str, datetime | None],
    http_cache: dict[str, dict[str, Any]] | None = None,
) -> CrawlResult:
    with _CRAWL_SLOTS:
        result = run_crawl(source, settings, workdir, since=since.date() if since else None,
                           known=known, http_cache=http_cache)
    if result.listed == 0 and result.not_modified == 0 and any(
            is_transient(e.reason) for e in result.errors):
        raise SourceUnavailable(f"{source.name}: {result.errors[0].reason}")
    return result


def is_transient(reason: str) -> bool:
    """Worth retrying: timeouts, dropped connections, 5xx, 408 and 429 (not 404 or a bad body)."""
    if reason.startswith("HTTP "):
        code = reason.removeprefix("HTTP ")[:3]
        return code.startswith("5") or code in ("408", "429")
    return not reason.startswith(("expected", "invalid", "not ", "OCDS", "parser failed")) and (
        "Error" in reason or "timed out" in reason or "exited with code" in reason)


def _empty_note(previous: SourceState | None) -> str:
    if previous is not None and previous.used_to_yield and previous.last_yield_at:
        return (f"yielded nothing; it used to (last {previous.last_yield} records on "
                f"{previous.last_yield_at:%Y-%m-%d})")
    return "yielded nothing: no records listed"


def store_crawl(con: duckdb.DuckDBPyConnection, result: CrawlResult,
                previous: SourceState | None = None) -> SourceReport:
    """Save a crawl's documents; advance the watermark and remember the fetched listings only
    when nothing was left behind.

    A failed item may be older than the newest stored one, so after any failure the watermark
    stays put and the next run lists the same window again (stored items are skipped cheaply).
    """
    fresh, seen_elsewhere = split_seen_elsewhere(con, result.documents)
    outcome = save_documents(con, fresh)
    changed = [d.last_changed_at for d in fresh if d.last_changed_at]
    if not result.errors:
        if changed:
            save_watermark(con, result.source, max(changed))
        save_http_cache(con, result.source, result.http_states)
    report = SourceReport(
        source=result.source,
        fetched=result.listed + result.not_modified,
        new=len(outcome.new),
        updated=len(outcome.updated),
        unchanged=len(outcome.unchanged) + len(result.unchanged) + result.not_modified
        + len(seen_elsewhere),
        failed=len(result.errors),
        errors=[f"{e.url or e.source}: {e.reason}" for e in result.errors],
    )
    if report.health == "empty":
        report.errors.append(_empty_note(previous))
    return report


def split_seen_elsewhere(con: duckdb.DuckDBPyConnection, documents: list[Document]
                         ) -> tuple[list[Document], list[Document]]:
    """One page, many sources: a document another source already stored at the same or a later
    change time (a bill from the API and the RSS feed) is not stored again."""
    stored = stored_versions(con, [d.url for d in documents])
    fresh, elsewhere = [], []
    for document in documents:
        source, at = stored.get(document.url, (document.source, None))
        changed = document.last_changed_at
        if source != document.source and at is not None and changed is not None and changed <= at:
            elsewhere.append(document)
        else:
            fresh.append(document)
    return fresh, elsewhere


def record_health(con: duckdb.DuckDBPyConnection, reports: list[SourceReport],
                  states: dict[str, SourceState], now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    for report in reports:
        save_source_state(con, next_state(states.get(report.source), report, now))


def collect_sources(
    con: duckdb.DuckDBPyConnection,
    sources: list[SourceConfig],
    settings: Settings,
    workdir: Path,
    *,
    full_refresh: bool = False,
    retries: int = 2,
    retry_delay_seconds: float = 10,
) -> list[SourceReport]:
    """Crawl sources of different hosts at once and sources of one host one after another (so a
    host's rate limit holds across sources), then store each in order; failures are reported."""
    logger = get_run_logger()
    states = load_source_states(con)
    known = {} if full_refresh else known_versions_everywhere(con)
    fetch = fetch_source.with_options(retries=retries, retry_delay_seconds=retry_delay_seconds)
    last_on_host: dict[str, PrefectFuture] = {}
    futures = []
    for source in sources:
        host = urlsplit(source.base_url).netloc
        before = [allow_failure(last_on_host[host])] if host in last_on_host else []
        future = fetch.submit(
            source, settings, workdir, None if full_refresh else get_watermark(con, source.name),
            known, {} if full_refresh else load_http_cache(con, source.name), wait_for=before)
        last_on_host[host] = future
        futures.append(future)
    reports: list[SourceReport] = []
    with progress_bar("Collecting sources", len(sources)) as advance:
        for source, future in zip(sources, futures, strict=True):
            try:
                result = future.result()
            except Exception as error:  # the source as a whole is down: report it, carry on
                logger.error("source %s failed: %s", source.name, error)
                reports.append(SourceReport(source=source.name, failed=1, errors=[str(error)]))
                advance(1)
                continue
            report = store_crawl(con, result, states.get(source.name))
            advance(1)
            logger.info("source %s: listed %d, new %d, updated %d, unchanged %d, failed %d",
                        source.name, report.fetched, report.new, report.updated,
                        report.unchanged, report.failed)
            reports.append(report)
    record_health(con, reports, states)
    return reports
