"""Sending funding alerts: each alert once per channel and recipient (email with an .ics to each
recipient, Teams, Slack) through the outbox (delivery/outbox.py). One row per (alert key,
channel, recipient) is stored before the send, the outcome after; a send that failed is retried
by a later run from the stored payload. Without sending, alerts are only written to
out/alerts/ (`write_alert_files`). Prefect-free."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import duckdb

from delivery.alert_render import alert_message, render_alert_ics, slack_payload, teams_payload
from delivery.alerts import FundingAlert
from delivery.email import SmtpConfig, send_email, sender_address, stable_message_id, write_eml
from delivery.feedback_links import FeedbackLinks
from delivery.outbox import REPEAT_HEADER, Attempt, OutboxReport, Policy, deliver
from delivery.render import write_atomic
from delivery.webhook import send_webhook
from warehouse.config.profiles import Profile
from warehouse.config.settings import Settings
from warehouse.delivery_state import (
    AlertDelivery,
    OutboxRow,
    adopt_shared_email_rows,
    alert_deliveries,
    save_alert_intents,
)
from warehouse.outbox_ledger import Ledger


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
    feedback = FeedbackLinks.from_settings(settings, profile=profile.id, who="alert file",
                                           channel="alert", now=now)
    message = alert_message(alert, sender=sender_address(settings),
                            to=alert_recipients(profile), now=now, feedback=feedback)
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
        feedback = FeedbackLinks.from_settings(settings, profile=profile.id,
                                               who=row.recipient, channel="alert", now=now)
        message = alert_message(alert, sender=sender_address(settings), to=[row.recipient],
                                now=now, feedback=feedback)
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


def send_alerts(con: duckdb.DuckDBPyConnection, alerts: list[FundingAlert], profile: Profile,
                settings: Settings, channels: list[str], *, now: datetime,
                logger: logging.Logger | logging.LoggerAdapter) -> OutboxReport:
    """Record each (alert, channel, recipient) once, then send every unsent one through the
    outbox."""
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
    return deliver([row for row, _ in due],
                   lambda row, attempt: send_alert(by_key[row.key], row, profile, settings,
                                                   now, attempt),
                   Ledger(con, "alert_deliveries", now=now),
                   Policy.from_settings(settings, "alert_accepted"), logger)
