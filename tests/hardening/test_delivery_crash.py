"""SIGKILL while the digest or an alert is being sent, then the next run: each sent once.

The SMTP server on loopback (aiosmtpd) holds its reply to the end of the message data; the test
SIGKILLs the sending `horizon digest --send` / `horizon alerts --send` process there. Like a mail
server that has not yet taken responsibility (RFC 5321 4.1.1.4), it drops a message whose client
vanished before the reply. The next run must send every message exactly once: none skipped
(the interrupted one is resent), none duplicated (the others are not sent again).

The residual window is shown too: killed after the server accepted but before the outcome was
recorded (HORIZON_TEST_KILL_AT=digest_accepted), the next run sends that message again, with
the same Message-ID (the README's at-least-once note).
"""

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

import pytest
from aiosmtpd.controller import Controller
from prefect.settings import PREFECT_API_URL

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "flows"))
from data_paths import ROOT
from delivery_world import RECIPIENTS, free_port, store, write_config
from factories import make_document

from warehouse.db import connect
from warehouse.records import ApplicantType, DocumentKind, FundingFacts, Signal

pytestmark = pytest.mark.slow
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
                         source="find_a_grant", closes_at=facts.closes_at, funding=facts), facts


def prepare(base: Path) -> tuple[Path, Path]:
    """A warehouse with one on-theme story and one open funding call, first seen just now."""
    db, config = base / "horizon.duckdb", write_config(base / "config")
    now = datetime.now(UTC)
    store(db, make_document(), seen=now - timedelta(minutes=30), themes={"transport": 0.8})
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
                                  " ORDER BY alert_key").fetchall(),
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


def test_delivery_crash_digest_killed_mid_send_is_sent_once_by_the_next_run(tmp_path) -> None:
    day = datetime.now(UTC).date().isoformat()
    result = kill_during_send(tmp_path, ["digest", "--date", day, "--send"])
    assert result["held"] and result["killed"]
    assert result["after_kill"] == 0 and result["dropped"] == 1
    assert result["code"] == 0
    assert result["per_recipient"] == dict.fromkeys(RECIPIENTS, 1)
    assert result["states"]["digest"] == [("sent", 2), ("sent", 1)]


def test_delivery_crash_alert_killed_mid_send_is_sent_once_by_the_next_run(tmp_path) -> None:
    result = kill_during_send(tmp_path, ["alerts", "--send"])
    assert result["held"] and result["killed"]
    assert result["after_kill"] == 0 and result["dropped"] == 1
    assert result["code"] == 0
    assert len(result["message_ids"]) == 1  # one alert email, to both recipients, once
    assert result["per_recipient"] == dict.fromkeys(RECIPIENTS, 1)
    assert result["states"]["alerts"] == [("sent", 2)]


def test_delivery_crash_after_acceptance_resends_with_the_same_message_id(tmp_path) -> None:
    """The residual window, measured: accepted by the server, killed before it was recorded."""
    db, config = prepare(tmp_path)
    handler, port = HoldingSmtp(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    day = datetime.now(UTC).date().isoformat()
    try:
        first = horizon(["digest", "--date", day, "--send"], tmp_path, db, config, port,
                        HORIZON_TEST_KILL_AT="digest_accepted")
        first.wait(timeout=180)
        second = horizon(["digest", "--date", day, "--send"], tmp_path, db, config, port)
        assert second.wait(timeout=180) == 0
    finally:
        controller.stop()
    assert first.returncode == -signal.SIGKILL
    counts = Counter(mid for _, mid in handler.received)
    assert sorted(counts.values()) == [1, 2]  # the interrupted one twice, same Message-ID
    assert handler.per_recipient() == {RECIPIENTS[0]: 2, RECIPIENTS[1]: 1}
