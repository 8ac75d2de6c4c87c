"""Funding alerts, hourly: new calls the authority may enter, changes to them, deadline reminders.

Optionally collect and enrich first; then plan the alerts due (delivery/alerts.py), write them to
out/alerts/, and with `send` send each once per channel and recipient through the outbox
(delivery/alert_send.py). Without `send`, nothing is recorded (a dry run).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger

from delivery.alert_send import enabled_channels, send_alerts, write_alert_files
from delivery.alerts import plan_alerts
from delivery.secrets import describe, settings_secrets
from flows.runtime.lock import lock_waiting
from flows.runtime.prefect_setup import crawl_workdir
from flows.runtime.preflight import resolve_sources
from flows.runtime.snapshot import replaying
from flows.tasks.collect import collect_sources
from flows.tasks.enrich import enrich_pending
from flows.tasks.run_record import recorded
from warehouse.config.profiles import load_profile
from warehouse.config.settings import apply_offline_environment, get_settings
from warehouse.config.sources import source_display_names
from warehouse.db import connect
from warehouse.delivery_state import alerted_calls, funding_candidates, last_run_start
from warehouse.records import RunReport, RunStatus

FLOW_NAME = "funding_alerts"
NO_CHANNEL = ("not sent: no alert channel configured (SMTP host and recipients,"
              " HORIZON_TEAMS_WEBHOOK_URL, HORIZON_SLACK_WEBHOOK_URL)")


@flow(name=FLOW_NAME, log_prints=True)
def funding_alerts(
    profile: str = "wmca",
    db: str | None = None,
    out: str | None = None,
    send: bool = False,
    collect: bool = False,
    snapshot: str | None = None,
    only_sources: list[str] | None = None,
    wait_for_lock_minutes: float = 0,
) -> RunReport:
    """Alert funding calls first seen since the last run, updates and reminders due now."""
    apply_offline_environment()
    logger = get_run_logger()
    settings = get_settings()
    active = load_profile(settings.config_dir, profile)
    db_path = Path(db) if db else settings.database_path
    out_dir = Path(out) if out else settings.out_dir
    channels = enabled_channels(active, settings)
    record = send and bool(channels)
    report = RunReport(run_id=uuid.uuid4(), flow=FLOW_NAME, profile=active.id,
                       started_at=datetime.now(UTC))
    with (
        lock_waiting(db_path, wait_for_lock_minutes * 60),
        connect(db_path) as con,
        # a dry run leaves no run report, unless it broke
        recorded(con, [report], describe=lambda error: describe(error, settings_secrets(settings)),
                 keep=lambda run: record or run.status is RunStatus.FAILED),
    ):
        if collect:
            sources = resolve_sources(active, settings, only_sources)
            snapshot_dir = Path(snapshot).resolve() if snapshot else None
            with replaying(settings, snapshot_dir) as live, crawl_workdir() as workdir:
                report.sources = collect_sources(con, sources, live, workdir)
            report.enriched = enrich_pending(con, active, settings.config_dir)
        now = datetime.now(UTC)
        since = last_run_start(con, FLOW_NAME, active.id) or now - timedelta(
            hours=active.alerts.first_run_lookback_hours)
        alerts = plan_alerts(funding_candidates(con, active.id, now), active, now=now,
                             since=since, alerted=alerted_calls(con, active.id),
                             source_names=source_display_names(settings.config_dir))
        for alert in alerts:
            report.outputs.extend(write_alert_files(alert, active, settings, out_dir, now))
        report.notes.append(f"{len(alerts)} alerts due: " + ", ".join(
            f"{sum(a.kind == k for a in alerts)} {k}" for k in ("new", "updated", "reminder")))
        if send and not channels:
            report.notes.append(NO_CHANNEL)
        if record:
            sent = send_alerts(con, alerts, active, settings, channels, now=now,
                               logger=logger)
            report.notes.append(f"sent {len(sent.sent)}, failed {len(sent.undelivered)}"
                                f" (on {', '.join(channels)})")
            if sent.undelivered:
                report.status = RunStatus.PARTIAL
    logger.info("funding alerts for %s: %s", active.id, "; ".join(report.notes))
    return report
