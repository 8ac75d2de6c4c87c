"""Delivery state: digest windows, digest sends per recipient, alert sends per channel and
recipient, and the ledger the outbox (delivery/outbox.py) records every send in.

Every send is one row, inserted once under a unique key ('pending') before it; 'sending' at the
hand-over (SMTP: after the server's go-ahead for the data, just before the data goes; webhooks:
just before the POST); then 'sent' (the server accepted it), 'failed' (it certainly did not),
or 'unknown' (it went out and no answer came). A row 'sent' is never sent again. A 'pending'
row left by a crash was certainly not delivered; a 'sending' or 'unknown' one may have been: it
gets one more hand-over at most, in a later run, marked `possible_repeat` (the residual
window the README describes). Also the reads the digest and the funding alerts make beyond
`queries.changed_since`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import duckdb
from pydantic import BaseModel, ConfigDict

from warehouse.deadlines import deadline_sql, not_closed_sql
from warehouse.queries import scored_documents
from warehouse.records import DocumentKind, ScoredDocument, SourceReport

PENDING, SENDING, SENT, FAILED, QUIET = "pending", "sending", "sent", "failed", "quiet"
UNKNOWN = "unknown"  # handed over, no answer: it may have been delivered
SHARED = "*"  # recipient of an alert email row from before migration 008: all recipients
FUNDING_KINDS = (DocumentKind.FUNDING_CALL, DocumentKind.GRANT, DocumentKind.TENDER)
ACTION_KINDS = (DocumentKind.CONSULTATION, DocumentKind.CALL_FOR_EVIDENCE, *FUNDING_KINDS)


class OutboxRow(BaseModel):
    """One message to one recipient on one channel, as its ledger holds it (delivery/outbox.py).

    `key` is the row's key in its table: (profile, day, recipient) for a digest,
    (alert key, channel, recipient) for an alert."""

    model_config = ConfigDict(frozen=True)

    key: tuple[str, ...]
    channel: str
    recipient: str
    status: str
    attempts: int
    possible_repeat: bool = False
    repeats: int = 0
    label: str  # for logs: "digest 2026-12-04 to a@x", "alert <key> on slack"


class DigestWindow(BaseModel):
    """The changes one day's digest covers, and what it said."""

    model_config = ConfigDict(frozen=True)

    profile: str
    day: date
    window_start: datetime | None
    window_end: datetime
    subject: str
    new_items: int
    quiet: bool
    outputs: list[str]
    rendered_at: datetime


class DigestRun(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile: str
    day: date
    recipient: str
    status: str
    attempts: int
    message_id: str
    subject: str
    error: str
    sent_at: datetime | None
    possible_repeat: bool = False
    repeats: int = 0

    def outbox_row(self) -> OutboxRow:
        return OutboxRow(key=(self.profile, self.day.isoformat(), self.recipient),
                         channel="email", recipient=self.recipient, status=self.status,
                         attempts=self.attempts, possible_repeat=self.possible_repeat,
                         repeats=self.repeats, label=f"digest {self.day} to {self.recipient}")


class AlertDelivery(BaseModel):
    """One alert on one channel; `payload` is the alert's JSON, kept so a retry can resend it."""

    model_config = ConfigDict(frozen=True)

    alert_key: str
    channel: str
    recipient: str = ""  # email: one address; webhooks: ""
    profile: str
    document_id: uuid.UUID
    kind: str
    fingerprint: str
    payload: str
    status: str = PENDING
    attempts: int = 0
    error: str = ""
    created_at: datetime | None = None
    sent_at: datetime | None = None
    possible_repeat: bool = False
    repeats: int = 0

    def outbox_row(self) -> OutboxRow:
        to = f" to {self.recipient}" if self.recipient else ""
        return OutboxRow(key=(self.alert_key, self.channel, self.recipient), channel=self.channel,
                         recipient=self.recipient, status=self.status, attempts=self.attempts,
                         possible_repeat=self.possible_repeat, repeats=self.repeats,
                         label=f"alert {self.alert_key} on {self.channel}{to}")


class AlertedCall(BaseModel):
    """What the office was last told about a funding call, and since when it knows of it."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str
    first_alerted_at: datetime


# --- digests ---------------------------------------------------------------------------------

def get_digest(con: duckdb.DuckDBPyConnection, profile: str, day: date) -> DigestWindow | None:
    row = con.execute(
        "SELECT profile, day, window_start, window_end, subject, new_items, quiet, outputs,"
        " rendered_at FROM digests WHERE profile = ? AND day = ?", [profile, day]
    ).fetchone()
    if row is None:
        return None
    return DigestWindow.model_validate(dict(zip(DigestWindow.model_fields, row, strict=True)))


def previous_digest_end(
    con: duckdb.DuckDBPyConnection, profile: str, day: date
) -> datetime | None:
    """Where the window of the latest digest before `day` ended: the next one starts there."""
    row = con.execute(
        "SELECT max(window_end) FROM digests WHERE profile = ? AND day < ?", [profile, day]
    ).fetchone()
    return row[0] if row else None


def save_digest(con: duckdb.DuckDBPyConnection, window: DigestWindow) -> None:
    con.execute(
        "INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [window.profile, window.day, window.window_start, window.window_end, window.subject,
         window.new_items, window.quiet, window.outputs, window.rendered_at],
    )


def digest_runs(con: duckdb.DuckDBPyConnection, profile: str, day: date) -> list[DigestRun]:
    rows = con.execute(
        "SELECT profile, day, recipient, status, attempts, message_id, subject, error, sent_at,"
        " coalesce(possible_repeat, false), coalesce(repeats, 0) FROM digest_runs"
        " WHERE profile = ? AND day = ? ORDER BY recipient", [profile, day]
    ).fetchall()
    return [DigestRun.model_validate(dict(zip(DigestRun.model_fields, row, strict=True)))
            for row in rows]


def save_digest_intent(
    con: duckdb.DuckDBPyConnection, profile: str, day: date, recipient: str, *,
    subject: str, message_id: str, now: datetime, status: str = PENDING,
) -> DigestRun:
    """Record that the digest is about to go to `recipient` (once); return the stored row."""
    con.execute(
        "INSERT INTO digest_runs (profile, day, recipient, status, message_id, subject,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (profile, day, recipient) DO UPDATE SET"
        " subject = excluded.subject, updated_at = excluded.updated_at,"
        " status = CASE WHEN digest_runs.status IN ('sent', 'sending', 'unknown')"
        " THEN digest_runs.status"
        " ELSE excluded.status END",
        [profile, day, recipient, status, message_id, subject, now, now],
    )
    return next(r for r in digest_runs(con, profile, day) if r.recipient == recipient)


def save_digest_outcome(
    con: duckdb.DuckDBPyConnection, profile: str, day: date, recipient: str, *,
    sent: bool, error: str = "", attempts: int = 1, now: datetime,
) -> None:
    con.execute(
        "UPDATE digest_runs SET status = ?, attempts = attempts + ?, error = ?, updated_at = ?,"
        " sent_at = CASE WHEN ? THEN ? ELSE sent_at END"
        " WHERE profile = ? AND day = ? AND recipient = ? AND status <> 'sent'",
        [SENT if sent else FAILED, attempts, error[:2000], now, sent, now, profile, day,
         recipient],
    )


# --- funding alerts --------------------------------------------------------------------------

def save_alert_intents(
    con: duckdb.DuckDBPyConnection, deliveries: list[AlertDelivery], *, now: datetime
) -> int:
    """Insert each (alert key, channel) once; keys already stored are left alone."""
    before = con.execute("SELECT count(*) FROM alert_deliveries").fetchone()[0]
    if not deliveries:
        return 0
    con.executemany(
        "INSERT INTO alert_deliveries (alert_key, channel, recipient, profile, document_id,"
        " kind, fingerprint, payload, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING",
        [[d.alert_key, d.channel, d.recipient, d.profile, d.document_id, d.kind, d.fingerprint,
          d.payload, now, now] for d in deliveries],
    )
    return con.execute("SELECT count(*) FROM alert_deliveries").fetchone()[0] - before


def save_alert_outcome(
    con: duckdb.DuckDBPyConnection, alert_key: str, channel: str, *,
    sent: bool, error: str = "", attempts: int = 1, now: datetime, recipient: str | None = None,
) -> None:
    """The outcome of an alert on `channel` (for `recipient`; None: every recipient's row)."""
    con.execute(
        "UPDATE alert_deliveries SET status = ?, attempts = attempts + ?, error = ?,"
        " updated_at = ?, sent_at = CASE WHEN ? THEN ? ELSE sent_at END"
        " WHERE alert_key = ? AND channel = ? AND (? IS NULL OR recipient = ?)"
        " AND status <> 'sent'",
        [SENT if sent else FAILED, attempts, error[:2000], now, sent, now, alert_key, channel,
         recipient, recipient],
    )


def adopt_shared_email_rows(
    con: duckdb.DuckDBPyConnection, profile: str, recipients: list[str], *, now: datetime
) -> int:
    """Rows from before migration 008 (one email to every recipient, recipient '*') become one
    row per recipient with the old status, attempts and error; return how many were expanded."""
    shared = con.execute(
        "SELECT alert_key FROM alert_deliveries WHERE profile = ? AND channel = 'email'"
        " AND recipient = ?", [profile, SHARED]).fetchall()
    if not shared or not recipients:
        return 0
    con.execute(
        "INSERT INTO alert_deliveries SELECT a.alert_key, a.channel, r.recipient, a.profile,"
        " a.document_id, a.kind, a.fingerprint, a.payload, a.status, a.attempts, a.error,"
        " a.created_at, ?, a.sent_at, a.possible_repeat, a.repeats"
        " FROM alert_deliveries a, (SELECT unnest(?::TEXT[]) AS recipient) r"
        " WHERE a.profile = ? AND a.channel = 'email' AND a.recipient = ?"
        " ON CONFLICT DO NOTHING", [now, recipients, profile, SHARED])
    con.execute("DELETE FROM alert_deliveries WHERE profile = ? AND channel = 'email'"
                " AND recipient = ?", [profile, SHARED])
    return len(shared)


def alert_deliveries(
    con: duckdb.DuckDBPyConnection, profile: str, *, unsent_only: bool = False,
    max_attempts: int | None = None,
) -> list[AlertDelivery]:
    """Alert sends of a profile, oldest first; `unsent_only`: pending or failed, worth a retry."""
    rows = con.execute(
        "SELECT alert_key, channel, recipient, profile, document_id, kind, fingerprint,"
        " payload::TEXT, status, attempts, error, created_at, sent_at, possible_repeat, repeats"
        " FROM alert_deliveries WHERE profile = ? AND (NOT ? OR status <> 'sent')"
        " AND (? IS NULL OR attempts < ?) ORDER BY created_at, alert_key, channel, recipient",
        [profile, unsent_only, max_attempts, max_attempts],
    ).fetchall()
    return [AlertDelivery.model_validate(dict(zip(AlertDelivery.model_fields, row, strict=True)))
            for row in rows]


def alerted_calls(con: duckdb.DuckDBPyConnection, profile: str) -> dict[uuid.UUID, AlertedCall]:
    """Per funding call: the fingerprint of its latest new/updated alert, and its first alert."""
    rows = con.execute(
        "SELECT document_id, arg_max(fingerprint, created_at), min(created_at)"
        " FROM alert_deliveries WHERE profile = ? AND kind IN ('new', 'updated')"
        " GROUP BY document_id", [profile]
    ).fetchall()
    return {row[0]: AlertedCall(fingerprint=row[1], first_alerted_at=row[2]) for row in rows}


def last_run_start(con: duckdb.DuckDBPyConnection, flow: str, profile: str) -> datetime | None:
    """When the last run of a flow that did not fail outright started."""
    row = con.execute(
        "SELECT max(started_at) FROM flow_runs WHERE flow = ? AND profile = ?"
        " AND status <> 'failed' AND finished_at IS NOT NULL", [flow, profile]
    ).fetchone()
    return row[0] if row else None


# --- reads for the digest and the alerts -----------------------------------------------------

def open_deadlines(
    con: duckdb.DuckDBPyConnection, profile: str, start: datetime, end: datetime
) -> list[ScoredDocument]:
    """Documents not withdrawn whose deadline (own or funding facts') falls in [start, end]."""
    rows = con.execute(
        f"SELECT d.id FROM documents d LEFT JOIN document_insights i"
        f" ON i.document_id = d.id AND i.profile = ? WHERE d.withdrawn_at IS NULL"
        f" AND {deadline_sql()} BETWEEN ? AND ? ORDER BY d.id", [profile, start, end]
    ).fetchall()
    return scored_documents(con, profile, [row[0] for row in rows])


def funding_candidates(
    con: duckdb.DuckDBPyConnection, profile: str, now: datetime
) -> list[ScoredDocument]:
    """Funding calls, grants, tenders and documents with funding facts, still open at `now`."""
    kinds = [kind.value for kind in FUNDING_KINDS]
    rows = con.execute(
        f"SELECT d.id FROM documents d LEFT JOIN document_insights i"
        f" ON i.document_id = d.id AND i.profile = ? WHERE d.withdrawn_at IS NULL"
        f" AND (list_contains(?, d.kind) OR d.funding IS NOT NULL OR i.funding IS NOT NULL)"
        f" AND {not_closed_sql()} ORDER BY d.id",
        [profile, kinds, now],
    ).fetchall()
    return scored_documents(con, profile, [row[0] for row in rows])


def theme_volume(
    con: duckdb.DuckDBPyConnection, profile: str, since: datetime, until: datetime
) -> dict[str, int]:
    """How many documents changed in (since, until] had each theme as their best match."""
    rows = con.execute(
        "SELECT best, count(*) FROM (SELECT arg_max(t.theme, t.score) AS best"
        " FROM theme_scores t JOIN documents d ON d.id = t.document_id"
        " WHERE t.profile = ? AND t.above_threshold AND d.last_changed_at > ?"
        " AND d.last_changed_at <= ? GROUP BY t.document_id) GROUP BY best",
        [profile, since, until],
    ).fetchall()
    return {theme: count for theme, count in rows}


def latest_source_reports(
    con: duckdb.DuckDBPyConnection, flow: str, profile: str
) -> list[SourceReport]:
    """Per-source outcome of the latest run of a flow (for a digest rendered by hand)."""
    rows = con.execute(
        "SELECT s.source, s.fetched, s.new, s.updated, s.unchanged, s.failed, s.errors"
        " FROM flow_run_sources s WHERE s.run_id = (SELECT run_id FROM flow_runs"
        " WHERE flow = ? AND profile = ? ORDER BY started_at DESC LIMIT 1) ORDER BY s.source",
        [flow, profile],
    ).fetchall()
    fields = ("source", "fetched", "new", "updated", "unchanged", "failed", "errors")
    return [SourceReport.model_validate(dict(zip(fields, row, strict=True))) for row in rows]


def source_watermarks(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """Newest change time stored per source (a source whose watermark is old has gone stale)."""
    return dict(con.execute("SELECT source, watermark FROM source_watermarks").fetchall())
