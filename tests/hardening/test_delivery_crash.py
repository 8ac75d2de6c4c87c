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

import signal
from collections import Counter
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller

from tests.support.delivery_crash import HoldingSmtp, horizon, kill_during_send, prepare
from tests.support.delivery_world import RECIPIENTS, free_port

pytestmark = pytest.mark.slow


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
    assert len(set(result["message_ids"])) == 2  # one alert email per recipient, once each
    assert result["per_recipient"] == dict.fromkeys(RECIPIENTS, 1)
    assert result["states"]["alerts"] == [("sent", 2), ("sent", 1)]


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
