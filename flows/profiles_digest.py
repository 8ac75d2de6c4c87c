"""The daily cycle for several profiles on one warehouse: collect and encode once, score, render
and mail per profile (a national deployment: a think tank, a department, every mayoral
authority).

Sources are the union of the profiles' sources, collected once; a document is chunked and
encoded once and scored for each profile (flows/tasks/enrich.py, `enrich_for_profiles`); the search
index is published once; each profile gets its own digest, delivery and run report. One
profile's digest is `daily_digest`, unchanged.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger

from delivery.email import check_smtp_security
from flows.runtime.lock import warehouse_lock
from flows.runtime.prefect_setup import crawl_workdir
from flows.runtime.preflight import resolve_sources
from flows.runtime.snapshot import replaying, snapshot_as_of
from flows.tasks.collect import collect_sources, collection_status
from flows.tasks.digest import digest_into_report, prepare_day_digest
from flows.tasks.enrich import enrich_pending_for_profiles
from flows.tasks.people import refresh_people
from flows.tasks.run_record import recorded
from warehouse.config.profiles import load_profile
from warehouse.config.settings import apply_offline_environment, get_settings
from warehouse.db import connect
from warehouse.records import RunReport, RunStatus
from warehouse.search.replica import refresh_search_index

UK = ZoneInfo("Europe/London")
FLOW_NAME = "profiles_digest"


# one profile's digest for the day, as `daily_digest` prepares it, under its own task name
prepare_profile_digest = prepare_day_digest.with_options(name="prepare-profile-digest")


@flow(name=FLOW_NAME, log_prints=True)
def profiles_digest(profiles: list[str], snapshot: str | None = None, db: str | None = None,
                    out: str | None = None, day: date | None = None,
                    send: bool = False) -> list[RunReport]:
    """Collect the profiles' sources once, enrich once, then each profile's digest."""
    apply_offline_environment()
    logger = get_run_logger()
    settings = get_settings()
    active = [load_profile(settings.config_dir, p) for p in dict.fromkeys(profiles)]
    sources = list({s.name: s for p in active for s in resolve_sources(p, settings, None)
                    }.values())
    if send:
        settings.require_secrets()
        check_smtp_security(settings.smtp_host, settings.smtp_security)
    snapshot_dir = Path(snapshot).resolve() if snapshot else None
    db_path = Path(db) if db else settings.database_path
    out_dir = Path(out) if out else settings.out_dir
    day = day or (snapshot_dir and snapshot_as_of(snapshot_dir)) or datetime.now(UTC).astimezone(
        UK).date()
    started = datetime.now(UTC)
    reports = [RunReport(run_id=uuid.uuid4(), flow=FLOW_NAME, profile=p.id, started_at=started)
               for p in active]
    with (
        warehouse_lock(db_path),
        connect(db_path) as con,
        replaying(settings, snapshot_dir) as live,
        recorded(con, reports),
    ):
        with crawl_workdir() as workdir:
            collected = collect_sources(con, sources, live, workdir)
        status = collection_status(collected)
        enriched = ({} if status is RunStatus.FAILED else
                    enrich_pending_for_profiles(con, active, settings.config_dir))
        index_note = "" if status is RunStatus.FAILED else refresh_search_index(con, db_path)
        for profile, report in zip(active, reports, strict=True):
            names = {s.name for s in resolve_sources(profile, settings, None)}
            report.sources = [s for s in collected if s.source in names]
            report.status = collection_status(report.sources)
            if status is RunStatus.FAILED:
                report.notes.append("every source failed; digest not rendered")
                continue
            report.enriched = enriched.get(profile.id, 0)
            report.notes += [refresh_people(con, profile, settings.config_dir), index_note]
            digest_into_report(con, profile, day, out_dir, report, settings, send=send,
                               logger=logger, prepare=prepare_profile_digest)
    for report in reports:
        logger.info("digest for %s on %s: %s", report.profile, day, report.status.value)
    return reports
