"""Digest steps shared by the daily run and `horizon digest`: cut the window, render, send.

The window of a day's digest is stored (`digests`), so re-rendering a day gives the same items
and the next day starts where it ended. Each recipient gets a day's digest once: one row per
recipient in `digest_runs`, sent through the outbox (delivery/outbox.py, docs/delivery.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger

from delivery.digest import Digest, build_digest, digest_moment
from delivery.email import SmtpConfig, digest_message, send_email, stable_message_id, write_eml
from delivery.health import build_source_health
from delivery.mps_section import mps_this_week
from delivery.outbox import REPEAT_HEADER, Attempt, Policy, deliver
from delivery.render import write_digest
from delivery.secrets import settings_secrets
from flows.lock import warehouse_lock
from warehouse.db import connect
from warehouse.delivery_state import (
    QUIET,
    SENT,
    DigestWindow,
    OutboxRow,
    digest_runs,
    get_digest,
    latest_source_reports,
    open_deadlines,
    previous_digest_end,
    save_digest,
    save_digest_intent,
    source_watermarks,
    theme_volume,
)
from warehouse.outbox_ledger import Ledger
from warehouse.profiles import Profile, load_profile
from warehouse.queries import changed_since, last_completed_run_end
from warehouse.records import RunReport, RunStatus, SourceReport
from warehouse.settings import Settings, apply_offline_environment, get_settings
from warehouse.sources import source_display_names
from warehouse.text import UK

DAILY_FLOW = "daily_digest"


@dataclass
class PreparedDigest:
    digest: Digest
    window: DigestWindow
    outputs: list[str]


@dataclass
class DeliveryOutcome:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def digest_window(con: duckdb.DuckDBPyConnection, profile: str, day: date, now: datetime
                  ) -> tuple[datetime | None, datetime]:
    """(start, end] of the day's digest: stored and frozen once sent to anyone; else from where
    the previous digest ended (or the last daily run, for warehouses older than digests) to now."""
    existing = get_digest(con, profile, day)
    if existing is not None:
        if any(run.status == SENT for run in digest_runs(con, profile, day)):
            return existing.window_start, existing.window_end
        return existing.window_start, max(now, existing.window_end)
    start = previous_digest_end(con, profile, day) or last_completed_run_end(
        con, DAILY_FLOW, profile)
    return start, now


def prepare_digest(
    con: duckdb.DuckDBPyConnection, profile: Profile, day: date, out_dir: Path,
    settings: Settings, *, now: datetime, source_reports: list[SourceReport] | None = None,
) -> PreparedDigest:
    """Build the day's digest from the warehouse; write .html, .txt and .eml; store its window."""
    options = profile.digest
    start, end = digest_window(con, profile.id, day, now)
    scored = changed_since(con, profile.id, start, end)
    as_of = digest_moment(day)  # the digest's own "now" (issue 11): not the wall clock
    horizon = as_of + timedelta(days=options.actions_window_days)
    deadlines = open_deadlines(con, profile.id, as_of, horizon)
    reports = source_reports if source_reports is not None else latest_source_reports(
        con, DAILY_FLOW, profile.id)
    health = build_source_health(reports, source_watermarks(con), now=as_of,
                                 stale_after_days=options.stale_after_days)
    digest = build_digest(scored, profile, day, now=as_of, open_deadlines=deadlines,
                          volume=theme_volume(con, profile.id, end - timedelta(days=7), end),
                          health=health, source_names=source_display_names(settings.config_dir))
    digest = digest.model_copy(update={"mps": mps_this_week(con, profile, day)})  # issue 16
    html_path, text_path = write_digest(digest, out_dir)
    message = digest_message(digest, sender=settings.smtp_from or settings.contact_email,
                             to=options.recipients, date=now,
                             message_id=stable_message_id("digest", profile.id, day.isoformat()))
    eml_path = write_eml(message, out_dir / f"digest-{day.isoformat()}.eml")
    outputs = [str(html_path), str(text_path), str(eml_path)]
    window = DigestWindow(profile=profile.id, day=day, window_start=start, window_end=end,
                          subject=digest.subject, new_items=digest.new_items, quiet=digest.quiet,
                          outputs=outputs, rendered_at=now)
    save_digest(con, window)
    return PreparedDigest(digest=digest, window=window, outputs=outputs)


def outbox_policy(settings: Settings, kill_at: str) -> Policy:
    return Policy(retries=settings.send_retries,
                  retry_delay_seconds=settings.send_retry_delay_seconds,
                  max_attempts=settings.send_max_attempts,
                  secrets=tuple(settings_secrets(settings)), kill_at=kill_at)


def deliver_digest(
    con: duckdb.DuckDBPyConnection, profile: Profile, prepared: PreparedDigest,
    settings: Settings, *, now: datetime,
) -> DeliveryOutcome:
    """Send the digest to each recipient not yet sent it, through the outbox."""
    outcome = DeliveryOutcome()
    digest, day = prepared.digest, prepared.digest.day
    config = SmtpConfig.from_settings(settings)
    if config is None:
        outcome.notes.append("not sent: no SMTP server configured (HORIZON_SMTP_HOST)")
        return outcome
    if not profile.digest.recipients:
        outcome.notes.append(f"not sent: profile {profile.id!r} has no digest recipients")
        return outcome
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
        message = digest_message(digest, sender=sender, to=[row.recipient], date=now,
                                 message_id=stable_message_id("digest", profile.id,
                                                              day.isoformat(), row.recipient))
        if attempt.possible_repeat:
            message[REPEAT_HEADER] = "true"
        return send_email(message, config, [row.recipient], on_handover=attempt.on_handover,
                          on_accepted=attempt.on_accepted)

    sent = deliver(rows, send, Ledger(con, "digest_runs", now=now),
                   outbox_policy(settings, "digest_accepted"), get_run_logger())
    outcome.sent, outcome.skipped = sent.sent, sent.skipped
    outcome.failed = sent.failed + sent.unknown
    outcome.notes.extend(sent.notes)
    if quiet_only:
        outcome.notes.append("quiet day: nothing new, no digest sent")
    outcome.notes.append(f"digest sent to {len(outcome.sent)}, failed for "
                         f"{len(sent.failed)}, outcome unknown for {len(sent.unknown)}, "
                         f"already sent or skipped for {len(outcome.skipped)} recipients")
    return outcome


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
            delivered = deliver_digest(con, active, prepared, settings, now=now)
            report.notes.extend(delivered.notes)
            if delivered.failed:
                report.status = RunStatus.PARTIAL
    report.finished_at = datetime.now(UTC)
    return report
