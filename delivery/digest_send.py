"""Sending a prepared digest: each recipient gets a day's digest once, one row per recipient in
`digest_runs`, sent through the outbox (delivery/outbox.py, docs/delivery.md). Prefect-free."""

from __future__ import annotations

import logging
from datetime import datetime

import duckdb

from delivery.digest_prepare import PreparedDigest
from delivery.email import SmtpConfig, digest_message, send_email, stable_message_id
from delivery.feedback_links import FeedbackLinks
from delivery.outbox import REPEAT_HEADER, Attempt, OutboxReport, Policy, deliver
from warehouse.config.profiles import Profile
from warehouse.config.settings import Settings
from warehouse.delivery_state import QUIET, OutboxRow, save_digest_intent
from warehouse.outbox_ledger import Ledger


def send_digest(
    con: duckdb.DuckDBPyConnection, profile: Profile, prepared: PreparedDigest,
    settings: Settings, *, now: datetime, logger: logging.Logger | logging.LoggerAdapter,
) -> OutboxReport:
    """Send the digest to each recipient not yet sent it, through the outbox."""
    digest, day = prepared.digest, prepared.digest.day
    config = SmtpConfig.from_settings(settings)
    if config is None:
        return OutboxReport(notes=["not sent: no SMTP server configured (HORIZON_SMTP_HOST)"])
    if not profile.digest.recipients:
        return OutboxReport(notes=[f"not sent: profile {profile.id!r} has no digest recipients"])
    quiet_only = digest.quiet and not profile.digest.quiet_day_note
    sender = settings.smtp_from or settings.contact_email
    rows: list[OutboxRow] = []
    for recipient in profile.digest.recipients:
        message_id = stable_message_id("digest", profile.id, day.isoformat(), recipient)
        run = save_digest_intent(con, profile.id, day, recipient, subject=digest.subject,
                                 message_id=message_id, now=now,
                                 status=QUIET if quiet_only else "pending")
        rows.append(run.outbox_row())

    def send(row: OutboxRow, attempt: Attempt) -> list[str]:
        feedback = FeedbackLinks.from_settings(settings, profile=profile.id, who=row.recipient,
                                               channel="digest", now=now)
        message = digest_message(digest, sender=sender, to=[row.recipient], date=now,
                                 feedback=feedback,
                                 message_id=stable_message_id("digest", profile.id,
                                                              day.isoformat(), row.recipient))
        if attempt.possible_repeat:
            message[REPEAT_HEADER] = "true"
        return send_email(message, config, [row.recipient], on_handover=attempt.on_handover,
                          on_accepted=attempt.on_accepted)

    report = deliver(rows, send, Ledger(con, "digest_runs", now=now),
                     Policy.from_settings(settings, "digest_accepted"), logger)
    if quiet_only:
        report.notes.append("quiet day: nothing new, no digest sent")
    report.notes.append(f"digest sent to {len(report.sent)}, failed for "
                        f"{len(report.failed)}, outcome unknown for {len(report.unknown)}, "
                        f"already sent or skipped for {len(report.skipped)} recipients")
    return report
