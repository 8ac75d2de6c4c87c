"""Funding alerts, hourly: new calls the authority may enter, changes to them, deadline reminders.

Each alert is sent once per channel and recipient (email with an .ics to each recipient, Teams,
Slack) through the outbox (delivery/outbox.py): one row per (alert key, channel, recipient) is
stored before the send, the outcome after; a send that failed is retried by the next run from
the stored payload. Without `send`, alerts are only written to
out/alerts/ and nothing is recorded (a dry run).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger

from delivery.alert_render import alert_message, render_alert_ics, slack_payload, teams_payload
from delivery.alerts import FundingAlert, plan_alerts
from delivery.email import SmtpConfig, send_email, sender_address, stable_message_id, write_eml
from delivery.outbox import REPEAT_HEADER, Attempt, deliver
from delivery.render import write_atomic
from delivery.secrets import describe, settings_secrets
from delivery.webhook import send_webhook
from flows.daily_digest import replaying, resolve_sources
from flows.digest_delivery import outbox_policy
from flows.runtime.lock import RunInProgress, warehouse_lock
from flows.tasks.collect import collect_sources
from flows.tasks.enrich import enrich_pending
from warehouse.db import connect
from warehouse.delivery_state import (
    AlertDelivery,
    OutboxRow,
    adopt_shared_email_rows,
    alert_deliveries,
    alerted_calls,
    funding_candidates,
    last_run_start,
    save_alert_intents,
)
from warehouse.outbox_ledger import Ledger
from warehouse.profiles import Profile, load_profile
from warehouse.records import RunReport, RunStatus
from warehouse.save import save_run_report
from warehouse.settings import Settings, apply_offline_environment, get_settings

FLOW_NAME = "funding_alerts"


@contextmanager
def lock_waiting(db_path: Path, wait_seconds: float) -> Iterator[None]:
    """The warehouse lock, waiting up to `wait_seconds` for a run that holds it (e.g. the
    07:00 digest) instead of failing at once."""
    deadline = time.monotonic() + wait_seconds
    while True:
        lock = warehouse_lock(db_path)
        try:
            lock.__enter__()
            break
        except RunInProgress:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(5.0, max(0.1, deadline - time.monotonic())))
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def alert_recipients(profile: Profile) -> list[str]:
    return profile.alerts.recipients or profile.digest.recipients


def enabled_channels(profile: Profile, settings: Settings) -> list[str]:
    """The profile's channels that are configured in the environment."""
    configured = {
        "email": bool(settings.smtp_host and alert_recipients(profile)),
        "teams": settings.teams_webhook_url is not None,
        "slack": settings.slack_webhook_url is not None,
    }
    return [channel for channel in profile.alerts.channels if configured[channel]]


def write_alert_files(alert: FundingAlert, profile: Profile, settings: Settings,
                      out_dir: Path, now: datetime) -> list[str]:
    """out/alerts/<day>/<kind>-<id>.eml (and .ics when there is a deadline)."""
    stem = out_dir / "alerts" / f"{now:%Y-%m-%d}" / f"{alert.kind}-{alert.document_id}"
    message = alert_message(alert, sender=sender_address(settings),
                            to=alert_recipients(profile), now=now)
    paths = [write_eml(message, stem.with_suffix(".eml"))]
    ics = render_alert_ics(alert, now=now)
    if ics:
        paths.append(write_atomic(stem.with_suffix(".ics"), ics))
    return [str(path) for path in paths]


def send_alert(alert: FundingAlert, row: OutboxRow, profile: Profile, settings: Settings,
               now: datetime, attempt: Attempt) -> list[str]:
    """Send one alert on one channel (email: to one recipient)."""
    if row.channel == "email":
        config = SmtpConfig.from_settings(settings)
        message = alert_message(alert, sender=sender_address(settings), to=[row.recipient],
                                now=now)
        message.replace_header("Message-ID", stable_message_id("alert", alert.key,
                                                               row.recipient))
        if attempt.possible_repeat:
            message[REPEAT_HEADER] = "true"
        return send_email(message, config, [row.recipient], on_handover=attempt.on_handover,
                          on_accepted=attempt.on_accepted)
    secret = settings.teams_webhook_url if row.channel == "teams" else settings.slack_webhook_url
    payload = (teams_payload(alert, profile.alerts.teams_format) if row.channel == "teams"
               else slack_payload(alert))
    send_webhook(secret.get_secret_value(), payload,
                 timeout_seconds=settings.webhook_timeout_seconds,
                 delivery_id=stable_message_id("alert", alert.key, row.channel).strip("<>"),
                 possible_repeat=attempt.possible_repeat, on_handover=attempt.on_handover)
    return []


def deliver_alerts(con, alerts: list[FundingAlert], profile: Profile, settings: Settings,
                   channels: list[str], now: datetime) -> tuple[int, int]:
    """Record each (alert, channel, recipient) once, then send every unsent one through the
    outbox; return (sent, not sent)."""
    recipients = alert_recipients(profile)
    adopt_shared_email_rows(con, profile.id, recipients, now=now)
    save_alert_intents(con, [
        AlertDelivery(alert_key=alert.key, channel=channel, profile=profile.id,
                      recipient=recipient, document_id=alert.document_id, kind=alert.kind,
                      fingerprint=alert.fingerprint, payload=alert.model_dump_json())
        for alert in alerts for channel in channels
        for recipient in (recipients if channel == "email" else [""])
    ], now=now)
    due: list[tuple[OutboxRow, FundingAlert]] = []
    for delivery in alert_deliveries(con, profile.id, unsent_only=True):
        if delivery.channel not in channels or (
                delivery.channel == "email" and delivery.recipient not in recipients):
            continue
        alert = FundingAlert.model_validate_json(delivery.payload)
        if alert.kind == "reminder" and alert.closes_at and alert.closes_at <= now:
            continue  # a reminder that could not go out before closing is moot
        due.append((delivery.outbox_row(), alert))
    by_key = {row.key: alert for row, alert in due}
    report = deliver([row for row, _ in due],
                     lambda row, attempt: send_alert(by_key[row.key], row, profile, settings,
                                                     now, attempt),
                     Ledger(con, "alert_deliveries", now=now),
                     outbox_policy(settings, "alert_accepted"), get_run_logger())
    return len(report.sent), len(report.failed) + len(report.unknown)


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
    with lock_waiting(db_path, wait_for_lock_minutes * 60), connect(db_path) as con:
        try:
            if collect:
                sources = resolve_sources(active, settings, only_sources)
                snapshot_dir = Path(snapshot).resolve() if snapshot else None
                with (replaying(settings, snapshot_dir) as live,
                      tempfile.TemporaryDirectory(prefix="horizon-crawl-") as workdir):
                    report.sources = collect_sources(con, sources, live, Path(workdir))
                report.enriched = enrich_pending(con, active, settings.config_dir)
            now = datetime.now(UTC)
            since = last_run_start(con, FLOW_NAME, active.id) or now - timedelta(
                hours=active.alerts.first_run_lookback_hours)
            alerts = plan_alerts(funding_candidates(con, active.id, now), active, now=now,
                                 since=since, alerted=alerted_calls(con, active.id))
            for alert in alerts:
                report.outputs.extend(write_alert_files(alert, active, settings, out_dir, now))
            report.notes.append(f"{len(alerts)} alerts due: " + ", ".join(
                f"{sum(a.kind == k for a in alerts)} {k}" for k in ("new", "updated", "reminder")))
            if send and not channels:
                report.notes.append("not sent: no alert channel configured (SMTP host and "
                                    "recipients, HORIZON_TEAMS_WEBHOOK_URL, "
                                    "HORIZON_SLACK_WEBHOOK_URL)")
            if record:
                sent, failed = deliver_alerts(con, alerts, active, settings, channels, now)
                report.notes.append(f"sent {sent}, failed {failed} (on {', '.join(channels)})")
                if failed:
                    report.status = RunStatus.PARTIAL
        except Exception as error:
            report.status = RunStatus.FAILED
            report.notes.append(f"run stopped: {describe(error, settings_secrets(settings))}")
            raise
        finally:
            report.finished_at = datetime.now(UTC)
            if record or report.status is RunStatus.FAILED:
                save_run_report(con, report)
    logger.info("funding alerts for %s: %s", active.id, "; ".join(report.notes))
    return report
