"""The daily cycle (`horizon run`, the 07:00 deployments): collect every source of the profile,
store, enrich, refresh people and the search index, prepare the day's digest and, with `send`,
mail it (delivery/digest_prepare.py, delivery/digest_send.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from delivery.digest_prepare import PreparedDigest, prepare_digest
from delivery.digest_send import send_digest
from delivery.email import check_smtp_security
from flows.runtime.lock import warehouse_lock
from flows.runtime.prefect_setup import crawl_workdir
from flows.runtime.preflight import resolve_sources
from flows.runtime.snapshot import replaying, snapshot_as_of
from flows.tasks.collect import collect_sources, collection_status
from flows.tasks.enrich import enrich_pending
from flows.tasks.people import refresh_people
from warehouse.config.profiles import Profile, load_profile
from warehouse.config.settings import apply_offline_environment, get_settings
from warehouse.db import connect, kill_point
from warehouse.records import RunReport, RunStatus, SourceReport
from warehouse.save import save_run_report
from warehouse.search.replica import refresh_search_index
from warehouse.text import UK

FLOW_NAME = "daily_digest"


@task(name="prepare-digest", cache_policy=NONE)
def prepare_day_digest(con, profile: Profile, day: date, out_dir: Path,
                       sources: list[SourceReport]) -> PreparedDigest:
    """The day's digest from the warehouse (window stored in `digests`), as .html, .txt, .eml.
    The wall clock only ends the collection window: deadlines, days left, staleness and the
    quiet-day logic are judged at the digest's own moment (`day` 07:00, delivery.digest)."""
    return prepare_digest(con, profile, day, out_dir, get_settings(), now=datetime.now(UTC),
                          source_reports=sources)


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
    ):
        try:
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
                prepared = prepare_day_digest(con, active, day, out_dir, report.sources)
                report.outputs = prepared.outputs
                if send:
                    delivered = send_digest(con, active, prepared, settings,
                                            now=datetime.now(UTC), logger=logger)
                    report.notes.extend(delivered.notes)
                    if delivered.undelivered and report.status is RunStatus.SUCCEEDED:
                        report.status = RunStatus.PARTIAL
        except Exception as error:
            # Keep the record of a run that broke; what it stored stays for the next run.
            report.status = RunStatus.FAILED
            report.notes.append(f"run stopped: {type(error).__name__}: {error}")
            raise
        finally:
            report.finished_at = datetime.now(UTC)
            save_run_report(con, report)
    logger.info("daily digest for %s on %s: %s", active.id, day, report.status.value)
    return report
