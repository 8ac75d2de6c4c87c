"""`horizon digest`: a day's digest from the warehouse (no collection) and, with `send`, mailed
once to each recipient. The steps are delivery/digest_prepare.py and delivery/digest_send.py."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger

from delivery.digest_prepare import prepare_digest
from delivery.digest_send import send_digest
from flows.runtime.lock import warehouse_lock
from warehouse.config.profiles import load_profile
from warehouse.config.settings import apply_offline_environment, get_settings
from warehouse.db import connect
from warehouse.records import RunReport, RunStatus
from warehouse.text import UK


@flow(name="digest_delivery", log_prints=True)
def digest_delivery(
    profile: str = "wmca",
    day: date | None = None,
    db: str | None = None,
    out: str | None = None,
    send: bool = False,
) -> RunReport:
    """Render a day's digest from the warehouse (no collection) and, with `send`, mail it."""
    apply_offline_environment()
    settings = get_settings()
    active = load_profile(settings.config_dir, profile)
    db_path = Path(db) if db else settings.database_path
    out_dir = Path(out) if out else settings.out_dir
    now = datetime.now(UTC)
    day = day or now.astimezone(UK).date()
    report = RunReport(run_id=uuid.uuid4(), flow="digest_delivery", profile=active.id,
                       started_at=now)
    with warehouse_lock(db_path), connect(db_path) as con:
        prepared = prepare_digest(con, active, day, out_dir, settings, now=now)
        report.outputs = prepared.outputs
        report.notes.append(prepared.digest.subject)
        if send:
            delivered = send_digest(con, active, prepared, settings, now=now,
                                    logger=get_run_logger())
            report.notes.extend(delivered.notes)
            if delivered.undelivered:
                report.status = RunStatus.PARTIAL
    report.finished_at = datetime.now(UTC)
    return report
