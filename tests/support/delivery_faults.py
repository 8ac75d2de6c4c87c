"""Delivery against misbehaving servers on loopback, run twice or three times: what arrived.

Each scenario stores one on-theme story and one open funding call (test_delivery_crash's
`prepare`), points the settings at a `FaultySmtp` or `FaultyWebhook` (tests/hardening/
smtp_faults.py), runs the digest or the alerts flow in this process several times, and returns
what the server received and what the warehouse recorded. Used by tests/hardening/
test_delivery_faults.py (asserted) and bench/reliability_report.py (counted).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from delivery.outbox import REPEAT_HEADER
from flows.digest_delivery import digest_delivery
from flows.funding_alerts import funding_alerts
from tests.support.delivery_crash import prepare
from tests.support.delivery_world import RECIPIENTS
from tests.support.smtp_faults import FaultySmtp, FaultyWebhook, SmtpBehaviour
from warehouse.config.settings import get_settings
from warehouse.db import connect

CLEARED = ("HORIZON_SMTP_HOST", "HORIZON_SMTP_USER", "HORIZON_SMTP_PASSWORD",
           "HORIZON_TEAMS_WEBHOOK_URL", "HORIZON_SLACK_WEBHOOK_URL", "HORIZON_TEST_KILL_AT")


@dataclass
class Outcome:
    """What the server got (per recipient, or posts), marked repeats, and the ledger rows."""

    received: dict[str, int] = field(default_factory=dict)
    per_run: list[dict[str, int]] = field(default_factory=list)  # received during each run
    marked_repeats: int = 0
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # (recipient, status, repeat)
    reports: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = dict(os.environ)
    for name in CLEARED:
        os.environ.pop(name, None)
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    handler = _Lines()
    loggers = [logging.getLogger(), logging.getLogger("prefect")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _smtp_env(base: Path, config: Path, port: int, **extra: str) -> dict[str, str]:
    return {"HORIZON_CONFIG_DIR": str(config), "HORIZON_OUT_DIR": str(base / "out"),
            "HORIZON_SMTP_HOST": "127.0.0.1", "HORIZON_SMTP_PORT": str(port),
            "HORIZON_SMTP_SECURITY": "none", "HORIZON_SEND_RETRIES": "2",
            "HORIZON_SEND_RETRY_DELAY_SECONDS": "0", **extra}


def _rows(db: Path, table: str) -> list[tuple[Any, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute(f"SELECT recipient, status, possible_repeat FROM {table}"
                           f" ORDER BY recipient").fetchall()


def _run(flow: str, db: Path, base: Path) -> str:
    if flow == "digest":
        report = digest_delivery(profile="wmca", day=datetime.now(UTC).date(), db=str(db),
                                 out=str(base / "out"), send=True)
    else:
        report = funding_alerts(profile="wmca", db=str(db), out=str(base / "out"), send=True)
    return report.model_dump_json()


def smtp_scenario(base: Path, flow: str, behaviour: SmtpBehaviour, *, runs: int = 2,
                  heal_after_first: bool = False, **env: str) -> Outcome:
    """`runs` digest or alert runs against a FaultySmtp; `heal_after_first`: a well-behaved
    server from the second run on (same port)."""
    db, config = prepare(base)
    outcome = Outcome()
    with FaultySmtp(behaviour) as server, environment(**_smtp_env(base, config, server.port,
                                                                   **env)), \
            captured_logs() as logs:
        for number in range(runs):
            before = server.per_recipient()
            outcome.reports.append(_run(flow, db, base))
            after = server.per_recipient()
            outcome.per_run.append({r: after.get(r, 0) - before.get(r, 0) for r in after})
            if heal_after_first:
                server.behaviour = SmtpBehaviour()
            del number
        outcome.received = server.per_recipient()
        outcome.marked_repeats = sum(item.message[REPEAT_HEADER] == "true"
                                     for item in server.accepted)
    outcome.logs = list(logs)
    outcome.rows = _rows(db, "digest_runs" if flow == "digest" else "alert_deliveries")
    return outcome


def webhook_scenario(base: Path, hook: FaultyWebhook, *, path: str, runs: int = 3,
                     heal_after_first: bool = False) -> Outcome:
    """`runs` alert runs posting to `hook` (as the Slack webhook, `path` after its host)."""
    db, config = prepare(base)
    outcome = Outcome()
    env = {"HORIZON_CONFIG_DIR": str(config), "HORIZON_OUT_DIR": str(base / "out"),
           "HORIZON_SLACK_WEBHOOK_URL": f"{hook.url}{path}", "HORIZON_SEND_RETRIES": "2",
           "HORIZON_SEND_RETRY_DELAY_SECONDS": "0", "HORIZON_WEBHOOK_TIMEOUT_SECONDS": "1"}
    with hook, environment(**env), captured_logs() as logs:
        for _ in range(runs):
            before = len(hook.posts)
            outcome.reports.append(_run("alerts", db, base))
            outcome.per_run.append({"slack": len(hook.posts) - before})
            if heal_after_first:
                hook.delay = 0
    outcome.received = {"slack": len(hook.posts)}
    outcome.marked_repeats = sum(post.headers.get(REPEAT_HEADER) == "true"
                                 for post in hook.posts)
    outcome.logs = list(logs)
    with connect(db, read_only=True) as con:
        outcome.rows = con.execute("SELECT channel, status, possible_repeat, error"
                                   " FROM alert_deliveries ORDER BY channel").fetchall()
    return outcome


def counts(outcome: Outcome, expected: dict[str, int]) -> tuple[int, int, int]:
    """(lost, duplicated, sent twice in one run): recipients expected once that got nothing;
    copies beyond the first that are not marked as possible repeats; and any recipient sent
    more than one copy within a single run."""
    lost = sum(1 for r, n in expected.items() if n and outcome.received.get(r, 0) == 0)
    extra = sum(max(outcome.received.get(r, 0) - 1, 0) for r in expected)
    duplicated = max(extra - outcome.marked_repeats, 0)
    twice = sum(1 for run in outcome.per_run for n in run.values() if n > 1)
    return lost, duplicated, twice


EVERYONE = dict.fromkeys(RECIPIENTS, 1)
