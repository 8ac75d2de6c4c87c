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

from flows.runtime.progress import progress_bar
from scrapers.crawl import CrawlResult, run_crawl
from warehouse.collection_state import (
    Cursor,
    clear_cursor,
    clear_item_failures,
    load_cursor,
    pending_urls,
    quarantined_urls,
    record_item_failures,
    save_cursor,
)
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig
from warehouse.queries import get_watermark
from warehouse.records import Document, RunStatus, SourceReport
from warehouse.save import save_documents, save_watermark
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

CONCURRENT_CRAWLS = 4  # crawl child processes at once, across different hosts
# Spiders that fetch an item by its URL: a failed item is retried directly by the next runs, so it
# never holds the watermark. Others find an item again only by listing the same window.
DIRECT_RETRY_SPIDERS = frozenset({"govuk_search"})
# A resumed listing starts a little before where it stopped (items removed meanwhile shift up):
# a tenth of the cap, at most 50 items.
RESUME_OVERLAP = 50
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
    resume_start: int = 0,
    retry: list[str] | None = None,
    skip: list[str] | None = None,
) -> CrawlResult:
    with _CRAWL_SLOTS:
        result = run_crawl(source, settings, workdir, since=since.date() if since else None,
                           known=known, http_cache=http_cache, resume_start=resume_start,
                           retry=retry, skip=skip)
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
                previous: SourceState | None = None, *, direct_retry: bool = False,
                since: datetime | None = None, cursor: Cursor | None = None,
                quarantine_after: int = 3) -> SourceReport:
    """Save a crawl's documents; advance the watermark and remember the fetched listings only
    when nothing was left behind.

    A failed item may be older than the newest stored one, so after a failure that only listing
    the same window again would retry, the watermark stays put (stored items are skipped
    cheaply), until the item is quarantined after `quarantine_after` failed runs. A listing that
    stopped at its cap leaves a cursor (where to resume) and the watermark where it was.
    """
    source = result.source
    fresh, seen_elsewhere = split_seen_elsewhere(con, result.documents)
    outcome = save_documents(con, fresh)
    changed = [d.last_changed_at for d in fresh if d.last_changed_at]
    landed = {d.url for d in result.documents} | set(result.unchanged)
    clear_item_failures(con, source, sorted(landed))
    # an item stored with a warning (e.g. an unreadable date) has landed: not a failure to retry
    failures = [e for e in result.errors if not (e.item and e.url in landed)]
    quarantined = record_item_failures(con, source, failures, quarantine_after)
    blocking = [e for e in failures if not e.item or (
        not direct_retry and e.url not in quarantined)]
    again = [at for _, at in stored_versions(con, result.unchanged).values() if at is not None]
    high = max([*changed, *again, *([cursor.high] if cursor and cursor.high else [])],
               default=None)
    notes: list[str] = []
    capped = result.capped
    if capped is not None and capped.get("next_start") is not None:
        start = int(capped["next_start"])
        save_cursor(con, Cursor(source=source, since=since, next_start=start,
                                total=int(capped.get("total") or 0), high=high))
        notes.append(f"listing stopped at its cap with {max(capped['total'] - start, 0)} more"
                     f" listed; the next run resumes at item {start}")
    elif capped is not None:
        notes.append(f"{capped.get('total', 0)} listed items past the cap (max_items) are left"
                     " for the next run")
    elif not any(not e.item for e in result.errors):
        clear_cursor(con, source)
    if capped is None and not blocking:
        if high is not None:
            save_watermark(con, source, high)
        save_http_cache(con, source, result.http_states)
    if result.skipped:
        notes.append(f"{len(result.skipped)} quarantined items listed again and skipped (see"
                     " `horizon sources`; retry with `horizon run --retry-quarantined`)")
    failed_urls = {e.url for e in failures if e.item}
    if failed_urls & quarantined:
        notes.append(f"{len(failed_urls & quarantined)} items quarantined after"
                     f" {quarantine_after} failed runs (see `horizon sources`; retry with"
                     " `horizon run --retry-quarantined`)")
    report = SourceReport(
        source=source,
        fetched=result.listed + result.not_modified,
        new=len(outcome.new),
        updated=len(outcome.updated),
        unchanged=len(outcome.unchanged) + len(result.unchanged) + result.not_modified
        + len(seen_elsewhere),
        failed=len(result.errors),
        errors=[f"{e.url or e.source}: {e.reason}" for e in result.errors] + notes,
        backlog=capped is not None,
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


def collection_status(sources: list[SourceReport]) -> RunStatus:
    """Failed only when every source failed; partial when any is not ok."""
    if sources and all(s.health == "failing" for s in sources):
        return RunStatus.FAILED
    if any(s.health != "ok" for s in sources):
        return RunStatus.PARTIAL
    return RunStatus.SUCCEEDED


def _retry_paths(urls: list[str], base_url: str) -> list[str]:
    """Canonical URLs of a source's items as the paths its spider fetches them by."""
    origin = base_url.rstrip("/")
    return [url.removeprefix(origin) for url in urls if url.startswith(origin + "/")]


def collect_sources(
    con: duckdb.DuckDBPyConnection,
    sources: list[SourceConfig],
    settings: Settings,
    workdir: Path,
    *,
    full_refresh: bool = False,
    retry_quarantined: bool = False,
    retries: int = 2,
    retry_delay_seconds: float = 10,
) -> list[SourceReport]:
    """Crawl sources of different hosts at once and sources of one host one after another (so a
    host's rate limit holds across sources), then store each in order; failures are reported.

    A source whose listing stopped at its cap last time resumes there (from the same `since`);
    items that failed are fetched again directly where the spider can, quarantined ones only with
    `retry_quarantined` (sources that cannot fetch an item directly list their whole window)."""
    logger = get_run_logger()
    states = load_source_states(con)
    known = {} if full_refresh else known_versions_everywhere(con)
    fetch = fetch_source.with_options(retries=retries, retry_delay_seconds=retry_delay_seconds)
    last_on_host: dict[str, PrefectFuture] = {}
    futures = []
    plans: list[tuple[datetime | None, Cursor | None]] = []
    for source in sources:
        host = urlsplit(source.base_url).netloc
        before = [allow_failure(last_on_host[host])] if host in last_on_host else []
        cursor = load_cursor(con, source.name)
        if cursor is not None and full_refresh and cursor.since is not None:
            cursor = None  # a full refresh lists everything, from the start
        since = None if full_refresh else get_watermark(con, source.name)
        if cursor is not None:
            since = cursor.since
        retry = pending_urls(con, source.name)
        held = quarantined_urls(con, source.name)
        quarantined = held if retry_quarantined else []
        if source.spider not in DIRECT_RETRY_SPIDERS and quarantined:
            since = None  # find the quarantined items again by listing the whole window
        overlap = min(RESUME_OVERLAP, source.max_items // 10)
        resume = max(cursor.next_start - overlap, 0) if cursor else 0
        future = fetch.submit(
            source, settings, workdir, since, known,
            {} if full_refresh or quarantined else load_http_cache(con, source.name),
            resume, _retry_paths([*retry, *quarantined], source.base_url),
            [] if retry_quarantined else held, wait_for=before)
        last_on_host[host] = future
        futures.append(future)
        plans.append((since, cursor))
    reports: list[SourceReport] = []
    with progress_bar("Collecting sources", len(sources)) as advance:
        for source, future, (since, cursor) in zip(sources, futures, plans, strict=True):
            try:
                result = future.result()
            except Exception as error:  # the source as a whole is down: report it, carry on
                logger.error("source %s failed: %s", source.name, error)
                reports.append(SourceReport(source=source.name, failed=1, errors=[str(error)]))
                advance(1)
                continue
            report = store_crawl(con, result, states.get(source.name),
                                 direct_retry=source.spider in DIRECT_RETRY_SPIDERS, since=since,
                                 cursor=cursor,
                                 quarantine_after=settings.quarantine_after_attempts)
            advance(1)
            logger.info("source %s: listed %d, new %d, updated %d, unchanged %d, failed %d",
                        source.name, report.fetched, report.new, report.updated,
                        report.unchanged, report.failed)
            reports.append(report)
    record_health(con, reports, states)
    return reports
