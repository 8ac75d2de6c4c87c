"""Collection steps: fetch a source (I/O, retried) and store what it returned (idempotent)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from scrapers.crawl import CrawlResult, run_crawl
from warehouse.queries import get_watermark, known_versions
from warehouse.records import SourceReport
from warehouse.save import save_documents, save_watermark
from warehouse.settings import Settings
from warehouse.sources import SourceConfig


class SourceUnavailable(RuntimeError):
    """A source that delivered nothing at all: worth retrying as a whole."""


@task(name="fetch-source", retries=2, retry_delay_seconds=10, cache_policy=NONE)
def fetch_source(
    source: SourceConfig,
    settings: Settings,
    workdir: Path,
    since: datetime | None,
    known: dict[str, datetime | None],
) -> CrawlResult:
    result = run_crawl(source, settings, workdir, since=since.date() if since else None,
                       known=known)
    if result.listed == 0 and result.errors:
        raise SourceUnavailable(f"{source.name}: {result.errors[0].reason}")
    return result


def store_crawl(con: duckdb.DuckDBPyConnection, result: CrawlResult) -> SourceReport:
    """Save a crawl's documents; advance the watermark only when nothing was left behind.

    A failed item may be older than the newest stored one, so after any failure the watermark
    stays put and the next run lists the same window again (stored items are skipped cheaply).
    """
    outcome = save_documents(con, result.documents)
    changed = [d.last_changed_at for d in result.documents if d.last_changed_at]
    if changed and not result.errors:
        save_watermark(con, result.source, max(changed))
    return SourceReport(
        source=result.source,
        fetched=result.listed,
        new=len(outcome.new),
        updated=len(outcome.updated),
        unchanged=len(outcome.unchanged) + len(result.unchanged),
        failed=len(result.errors),
        errors=[f"{e.url or e.source}: {e.reason}" for e in result.errors],
    )


def collect_sources(
    con: duckdb.DuckDBPyConnection,
    sources: list[SourceConfig],
    settings: Settings,
    workdir: Path,
    *,
    full_refresh: bool = False,
) -> list[SourceReport]:
    """Collect each source in turn; one source failing never stops the others."""
    logger = get_run_logger()
    reports = []
    for source in sources:
        since = None if full_refresh else get_watermark(con, source.name)
        known = {} if full_refresh else known_versions(con, source.name)
        try:
            result = fetch_source(source, settings, workdir, since, known)
        except Exception as error:  # the source as a whole is down: report it, carry on
            logger.error("source %s failed: %s", source.name, error)
            reports.append(SourceReport(source=source.name, failed=1, errors=[str(error)]))
            continue
        report = store_crawl(con, result)
        logger.info("source %s: listed %d, new %d, updated %d, unchanged %d, failed %d",
                    source.name, report.fetched, report.new, report.updated, report.unchanged,
                    report.failed)
        reports.append(report)
    return reports
