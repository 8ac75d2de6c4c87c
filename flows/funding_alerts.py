"""Funding alerts, hourly: new calls the authority may enter, changes to them, deadline reminders.

Each alert is sent once per channel (email with an .ics, Teams, Slack): the intent is stored
under a unique (alert key, channel) before the send, the outcome after; a send that failed is
retried by the next run from the stored payload. Without `send`, alerts are only written to
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

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from delivery.alert_render import alert_message, render_alert_ics, slack_payload, teams_payload
from delivery.alerts import FundingAlert, plan_alerts
from delivery.email import SmtpConfig, send_email, sender_address, write_eml
from delivery.render import write_atomic
from delivery.secrets import describe, settings_secrets
from delivery.webhook import send_webhook
from flows.collect import collect_sources
from flows.daily_digest import replaying, resolve_sources
from flows.enrich import enrich_pending
from flows.lock import RunInProgress, warehouse_lock
from warehouse.db import connect, kill_point
from warehouse.delivery_state import (
    SENDING,
    AlertDelivery,
    Handover,
    alert_deliveries,
    alerted_calls,
    funding_candidates,
    last_run_start,
    save_alert_intents,
    save_alert_outcome,
    save_alert_sending,
)
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


@task(name="send-alert", cache_policy=NONE)
def send_alert(alert: FundingAlert, channel: str, profile: Profile, settings: Settings,
               now: datetime, on_handover=None) -> None:
    """Send one alert on one channel; `on_handover` runs just before it leaves (see
    warehouse/delivery_state.py: the 'sending' state)."""
    if channel == "email":
        config = SmtpConfig.from_settings(settings)
        recipients = alert_recipients(profile)
        message = alert_message(alert, sender=sender_address(settings), to=recipients, now=now)
        send_email(message, config, recipients, on_handover=on_handover)
        return
    secret = settings.teams_webhook_url if channel == "teams" else settings.slack_webhook_url
    payload = (teams_payload(alert, profile.alerts.teams_format) if channel == "teams"
               else slack_payload(alert))
    if on_handover is not None:
        on_handover()
    send_webhook(secret.get_secret_value(), payload,
                 timeout_seconds=settings.webhook_timeout_seconds)


def deliver_alerts(con, alerts: list[FundingAlert], profile: Profile, settings: Settings,
                   channels: list[str], now: datetime) -> tuple[int, int]:
    """Record each (alert, channel) once, then send every unsent one; return (sent, failed)."""
    logger = get_run_logger()
    save_alert_intents(con, [
        AlertDelivery(alert_key=alert.key, channel=channel, profile=profile.id,
                      document_id=alert.document_id, kind=alert.kind,
                      fingerprint=alert.fingerprint, payload=alert.model_dump_json())
        for alert in alerts for channel in channels
    ], now=now)
    send = send_alert.with_options(retries=settings.send_retries,
                                   retry_delay_seconds=settings.send_retry_delay_seconds)
    sent = failed = 0
    for delivery in alert_deliveries(con, profile.id, unsent_only=True,
                                     max_attempts=settings.send_max_attempts):
        if delivery.channel not in channels:
            continue
        alert = FundingAlert.model_validate_json(delivery.payload)
        if alert.kind == "reminder" and alert.closes_at and alert.closes_at <= now:
            continue  # a reminder that could not go out before closing is moot
        if delivery.status == SENDING:
            logger.warning("alert %s on %s: the last send was interrupted after hand-over; "
                           "sending again (a duplicate is possible)", delivery.alert_key,
                           delivery.channel)
        handover = Handover(lambda attempts, delivery=delivery: save_alert_sending(
            con, delivery.alert_key, delivery.channel, now=now, attempts=attempts))
        try:
            send(alert, delivery.channel, profile, settings, now, handover)
        except Exception as error:  # any failure is recorded, retried by a later run
            reason = describe(error, settings_secrets(settings))
            save_alert_outcome(con, delivery.alert_key, delivery.channel, sent=False,
                               error=reason, attempts=handover.uncounted, now=now)
            logger.warning("alert %s on %s not delivered: %s", delivery.alert_key,
                           delivery.channel, reason)
            failed += 1
            continue
        kill_point("alert_accepted")  # crash tests only: the residual at-least-once window
        save_alert_outcome(con, delivery.alert_key, delivery.channel, sent=True,
                           attempts=handover.uncounted, now=now)
        sent += 1
    return sent, failed


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
            report.notes.append(f"run stopped: {type(error).__name__}: {error}")
            raise
        finally:
            report.finished_at = datetime.now(UTC)
            if record or report.status is RunStatus.FAILED:
                save_run_report(con, report)
    logger.info("funding alerts for %s: %s", active.id, "; ".join(report.notes))
    return report
