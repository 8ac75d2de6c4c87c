"""Migration 008 over a warehouse written before it: every delivery row survives, and an alert
email row (one message to every recipient) becomes one row per recipient with its state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import duckdb

from warehouse.db import list_migrations, migrate
from warehouse.delivery_state import adopt_shared_email_rows, alert_deliveries

NOW = datetime(2026, 12, 4, 7, tzinfo=UTC)


def before_008() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)")
    for migration in list_migrations():
        if migration.version < 8:
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [migration.version, migration.name, NOW])
    rows = [("k-sent", "email", "sent", 1), ("k-failed", "email", "failed", 2),
            ("k-sent", "slack", "sent", 1)]
    for key, channel, status, attempts in rows:
        con.execute("INSERT INTO alert_deliveries (alert_key, channel, profile, document_id,"
                    " kind, fingerprint, payload, status, attempts, created_at, updated_at)"
                    " VALUES (?, ?, 'wmca', ?, 'new', 'f', '{}', ?, ?, ?, ?)",
                    [key, channel, uuid.UUID(int=1), status, attempts, NOW, NOW])
    con.execute("INSERT INTO digest_runs (profile, day, recipient, status, attempts,"
                " created_at, updated_at) VALUES ('wmca', '2026-12-03', 'a@x', 'sent', 1, ?, ?)",
                [NOW, NOW])
    return con


def test_outbox_migration_keeps_every_row_and_expands_shared_emails() -> None:
    con = before_008()
    assert migrate(con) == [v.version for v in list_migrations() if v.version >= 8]
    assert con.execute("SELECT channel, recipient FROM alert_deliveries ORDER BY alert_key,"
                       " channel").fetchall() == [("email", "*"), ("email", "*"), ("slack", "")]
    assert con.execute("SELECT status, possible_repeat, repeats FROM digest_runs").fetchall() \
        == [("sent", False, 0)]
    assert adopt_shared_email_rows(con, "wmca", ["a@x", "b@x"], now=NOW) == 2
    rows = {(d.alert_key, d.channel, d.recipient): (d.status, d.attempts)
            for d in alert_deliveries(con, "wmca")}
    assert rows == {("k-failed", "email", "a@x"): ("failed", 2),
                    ("k-failed", "email", "b@x"): ("failed", 2),
                    ("k-sent", "email", "a@x"): ("sent", 1),
                    ("k-sent", "email", "b@x"): ("sent", 1),
                    ("k-sent", "slack", ""): ("sent", 1)}
    assert adopt_shared_email_rows(con, "wmca", ["a@x", "b@x"], now=NOW) == 0
