"""The daily cycle (`horizon run`, the 07:00 deployments): collect every source of the profile,
store, enrich, refresh people and the search index, prepare the day's digest and, with `send`,
mail it (delivery/digest_prepare.py, delivery/digest_send.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger

from delivery.email import check_smtp_security
from flows.runtime.lock import warehouse_lock
from flows.runtime.prefect_setup import crawl_workdir
from flows.runtime.preflight import resolve_sources
from flows.runtime.snapshot import replaying, snapshot_as_of
from flows.tasks.collect import collect_sources, collection_status
from flows.tasks.digest import digest_into_report
from flows.tasks.enrich import enrich_pending
from flows.tasks.people import refresh_people
from flows.tasks.run_record import recorded
from warehouse.config.profiles import load_profile
from warehouse.config.settings import apply_offline_environment, get_settings
from warehouse.db import connect, kill_point
from warehouse.records import RunReport, RunStatus
from warehouse.search.replica import refresh_search_index
from warehouse.text import UK

FLOW_NAME = "daily_digest"


@flow(name=FLOW_NAME, log_prints=True)
def daily_digest(
    profile: str = "wmca",
    snapshot: str | None = None,
    db: str | None = None,
    out: str | None = None,
    day: date | None = None,
    only_sources: list[str] | None = None,
    full_refresh: bool = False,
    send: bool = False,
    retry_quarantined: bool = False,
) -> RunReport:
    """Collect, enrich, store and render today's digest (and mail it when `send`)."""
    apply_offline_environment()
    logger = get_run_logger()
    settings = get_settings()
    active = load_profile(settings.config_dir, profile)
    sources = resolve_sources(active, settings, only_sources)
    if send:
        settings.require_secrets()  # before any work, not at the end of the run
        check_smtp_security(settings.smtp_host, settings.smtp_security)  # issue 12
    snapshot_dir = Path(snapshot).resolve() if snapshot else None
    db_path = Path(db) if db else settings.database_path
    out_dir = Path(out) if out else settings.out_dir
    today = datetime.now(UTC).astimezone(UK).date()
    day = day or (snapshot_dir and snapshot_as_of(snapshot_dir)) or today
    report = RunReport(run_id=uuid.uuid4(), flow=FLOW_NAME, profile=active.id,
                       started_at=datetime.now(UTC))
    with (
        warehouse_lock(db_path),
        connect(db_path) as con,
        replaying(settings, snapshot_dir) as live,
        recorded(con, [report]),
    ):
        with crawl_workdir() as workdir:
            report.sources = collect_sources(con, sources, live, workdir,
                                             full_refresh=full_refresh,
                                             retry_quarantined=retry_quarantined)
        report.status = collection_status(report.sources)
        if report.status is RunStatus.FAILED:
            report.notes.append("every source failed; digest not rendered")
        else:
            kill_point("enrich")  # crash tests only (HORIZON_TEST_KILL_AT)
            report.enriched = enrich_pending(con, active, settings.config_dir)
            report.notes.append(refresh_people(con, active, settings.config_dir))  # issue 16
            report.notes.append(refresh_search_index(con, db_path))
            digest_into_report(con, active, day, out_dir, report, settings, send=send,
                               logger=logger)
    logger.info("daily digest for %s on %s: %s", active.id, day, report.status.value)
    return report
