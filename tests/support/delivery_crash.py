"""Killing `horizon digest --send` / `horizon alerts --send` mid-send: an SMTP server on
loopback that holds its reply, and the kill-then-rerun scenario; shared by
tests/hardening/test_delivery_crash.py and bench/reliability_report.py."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from prefect.settings import PREFECT_API_URL

from tests.support.data_paths import ROOT
from tests.support.delivery_world import free_port, store, write_config
from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.records import ApplicantType, DocumentKind, FundingFacts, Signal

HORIZON = [sys.executable, "-m", "flows.cli"]


class HoldingSmtp:
    """Accepts mail; while `hold` is set, keeps the reply to the message data until `release`,
    and drops the message when the client has gone meanwhile (it never got a 250)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], str]] = []  # (recipients, Message-ID)
        self.hold = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.dropped = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hold:
            self.hold = False
            self.holding.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:  # aiosmtpd cancels the handler when the client goes
                self.dropped += 1
                raise
            if server.transport is None or server.transport.is_closing():
                self.dropped += 1
                return "421 4.4.2 client gone"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message["Message-ID"]))
        return "250 OK"

    def per_recipient(self) -> Counter:
        return Counter(rcpt for tos, _ in self.received for rcpt in tos)


def funding_call(now: datetime):
    facts = FundingFacts(funder="Department for Transport", total_amount_gbp=45_000_000,
                         closes_at=now + timedelta(days=40),
                         eligible_applicants=[ApplicantType.COMBINED_AUTHORITY],
                         eligible_for_authority=True,
                         eligibility_reason="Open to mayoral combined authorities.")
    return make_document(url="https://www.find-government-grants.service.gov.uk/grants/bus-fund",
                         title="Bus franchising capability fund", kind=DocumentKind.FUNDING_CALL,
                         source="find_a_grant", closes_at=facts.closes_at, funding=facts,
                         published_at=now - timedelta(hours=1),
                         updated_at=now - timedelta(hours=1)), facts


def prepare(base: Path) -> tuple[Path, Path]:
    """A warehouse with one on-theme story and one open funding call, first seen just now."""
    db, config = base / "horizon.duckdb", write_config(base / "config")
    now = datetime.now(UTC)
    recent = now - timedelta(hours=1)  # inside the digest's age window whatever the date
    store(db, make_document(published_at=recent, updated_at=recent),
          seen=now - timedelta(minutes=30), themes={"transport": 0.8})
    call, facts = funding_call(now)
    store(db, call, seen=now - timedelta(minutes=20), themes={"transport": 0.8},
          insight={"signal": Signal.OPPORTUNITY, "signal_score": 0.8,
                   "signal_reason": "new fund", "region_score": 0.6, "funding": facts})
    return db, config


def horizon(command: list[str], base: Path, db: Path, config: Path, port: int,
            **env: str) -> subprocess.Popen:
    api = {"PREFECT_API_URL": str(PREFECT_API_URL.value())} if PREFECT_API_URL.value() else {}
    variables = {**os.environ, **api, "HORIZON_CONFIG_DIR": str(config),
                 "HORIZON_SMTP_HOST": "127.0.0.1", "HORIZON_SMTP_PORT": str(port),
                 "HORIZON_SMTP_SECURITY": "none",
                 "HORIZON_SEND_RETRIES": "0", "HORIZON_SEND_RETRY_DELAY_SECONDS": "0", **env}
    for name in ("HORIZON_TEAMS_WEBHOOK_URL", "HORIZON_SLACK_WEBHOOK_URL", "HORIZON_SMTP_USER"):
        variables.pop(name, None)
    log = (base / f"{command[0]}-{time.monotonic_ns()}.log").open("w")
    return subprocess.Popen([*HORIZON, *command, "--db", str(db), "--out", str(base / "out")],
                            cwd=ROOT, env=variables, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def statuses(db: Path) -> dict[str, list[tuple[str, int]]]:
    with connect(db, read_only=True) as con:
        return {
            "digest": con.execute("SELECT status, attempts FROM digest_runs"
                                  " ORDER BY recipient").fetchall(),
            "alerts": con.execute("SELECT status, attempts FROM alert_deliveries"
                                  " ORDER BY alert_key, recipient").fetchall(),
        }


def kill_during_send(base: Path, command: list[str]) -> dict[str, Any]:
    """Run `command`, SIGKILL it while the server holds its first message, run it again."""
    db, config = prepare(base)
    handler, port = HoldingSmtp(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        handler.hold = True
        first = horizon(command, base, db, config, port)
        held = handler.holding.wait(timeout=120)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        handler.release.set()
        time.sleep(0.5)
        after_kill = len(handler.received)
        second = horizon(command, base, db, config, port)
        code = second.wait(timeout=180)
    finally:
        controller.stop()
    return {"held": held, "killed": first.returncode == -signal.SIGKILL,
            "after_kill": after_kill, "dropped": handler.dropped, "code": code,
            "per_recipient": handler.per_recipient(), "states": statuses(db),
            "message_ids": [mid for _, mid in handler.received]}
