"""Issue 12, points 4-8: delivery against real misbehaving servers on loopback, over two or
three runs; nothing lost, nothing sent twice, no secret fragment recorded or logged.

Constructed fixtures (test_delivery_crash's warehouse: one story, one funding call; two
recipients). The servers are tests/support/smtp_faults.py. Every run here uses
HORIZON_SEND_RETRIES=2, so a send wrongly treated as failed would arrive three times a run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from delivery.email import SmtpConfig, SmtpSecurityError, check_smtp_security
from delivery.secrets import redact
from tests.support.data_paths import ROOT
from tests.support.delivery_faults import (
    EVERYONE,
    counts,
    environment,
    smtp_scenario,
    webhook_scenario,
)
from tests.support.delivery_world import RECIPIENTS
from tests.support.smtp_faults import FaultyWebhook, SmtpBehaviour
from warehouse.config.settings import Settings

pytestmark = pytest.mark.slow


def test_delivery_faults_quit_421_after_acceptance_is_one_delivery(tmp_path) -> None:
    outcome = smtp_scenario(tmp_path, "digest", SmtpBehaviour(quit_reply="421 4.3.2 closing"))
    assert outcome.received == EVERYONE
    assert [status for _, status, _ in outcome.rows] == ["sent", "sent"]
    assert any("QUIT answered 421" in line for line in outcome.logs)


def test_delivery_faults_drop_after_acceptance_is_one_delivery(tmp_path) -> None:
    outcome = smtp_scenario(tmp_path, "digest", SmtpBehaviour(drop_after_accept=True))
    assert outcome.received == EVERYONE
    assert [status for _, status, _ in outcome.rows] == ["sent", "sent"]


def test_delivery_faults_one_refused_recipient_never_resends_to_the_others(tmp_path) -> None:
    refused = RECIPIENTS[1]
    outcome = smtp_scenario(tmp_path, "alerts", SmtpBehaviour(refuse={refused}))
    assert outcome.received == {RECIPIENTS[0]: 1}
    assert outcome.rows == [(RECIPIENTS[0], "sent", False), (refused, "failed", False)]
    assert all(run.get(RECIPIENTS[0], 0) <= 1 for run in outcome.per_run)


def test_delivery_faults_slow_final_reply_within_rfc_timeout_is_one_delivery(tmp_path) -> None:
    """The reply to "." takes 2.5 s: past the ordinary 1 s socket timeout, within the final
    reply timeout (RFC 5321 4.5.3.2.6, made 10 s here)."""
    outcome = smtp_scenario(tmp_path, "digest", SmtpBehaviour(final_reply_delay=2.5),
                            HORIZON_SMTP_TIMEOUT_SECONDS="1",
                            HORIZON_SMTP_FINAL_REPLY_TIMEOUT_SECONDS="10")
    assert outcome.received == EVERYONE
    assert [status for _, status, _ in outcome.rows] == ["sent", "sent"]


def test_delivery_faults_final_reply_never_comes_one_marked_repeat_later(tmp_path) -> None:
    """Past the final-reply timeout the outcome is unknown: not resent within the run; the
    next run sends it once more, marked as a possible repeat; the third sends nothing."""
    outcome = smtp_scenario(tmp_path, "digest", SmtpBehaviour(final_reply_delay=3),
                            runs=3, heal_after_first=True,
                            HORIZON_SMTP_FINAL_REPLY_TIMEOUT_SECONDS="1")
    assert outcome.per_run == [EVERYONE, EVERYONE, dict.fromkeys(RECIPIENTS, 0)]
    assert outcome.marked_repeats == len(RECIPIENTS)
    assert [(s, r) for _, s, r in outcome.rows] == [("sent", True), ("sent", True)]
    assert counts(outcome, EVERYONE) == (0, 0, 0)


def test_delivery_faults_webhook_slower_than_its_timeout_is_posted_once_per_run(
    tmp_path
) -> None:
    outcome = webhook_scenario(tmp_path, FaultyWebhook(delay=2.5), path="/services/T1/B2/x",
                               heal_after_first=True)
    assert [run["slack"] for run in outcome.per_run] == [1, 1, 0]
    assert outcome.marked_repeats == 1  # the second post says it may be a repeat
    [(channel, status, repeat, _)] = outcome.rows
    assert (channel, status, repeat) == ("slack", "sent", True)


def test_delivery_faults_webhook_never_answering_is_posted_twice_at_most(tmp_path) -> None:
    outcome = webhook_scenario(tmp_path, FaultyWebhook(delay=2.5), path="/services/T1/B2/y")
    assert [run["slack"] for run in outcome.per_run] == [1, 1, 0]
    [(_, status, repeat, error)] = outcome.rows
    assert (status, repeat) == ("unknown", True) and "no answer" in error


def test_delivery_faults_webhook_error_quoting_url_pieces_leaks_nothing(tmp_path) -> None:
    token, sig = f"tok{uuid.uuid4().hex}", f"sig{uuid.uuid4().hex}"
    segment = f"seg{uuid.uuid4().hex}"
    outcome = webhook_scenario(tmp_path, FaultyWebhook(quote=True), runs=1,
                               path=f"/workflows/{segment}/{token}?api-version=1&sig={sig}")
    [(_, status, _, error)] = outcome.rows
    assert status == "failed" and "404" in error
    texts = [error, *outcome.reports, *outcome.logs]
    assert [t for t in texts for s in (token, sig, segment) if s in t] == []


def test_delivery_faults_redact_masks_every_fragment_of_a_secret() -> None:
    url = "https://user:pa55word@hooks.example.org/services/T0AB1/B0CD2/s3cr3tTok?sig=abcd1234"
    text = ("posted to /services/T0AB1/B0CD2/s3cr3tTok: token s3cr3tTok, team T0AB1, "
            "sig=abcd1234, signature abcd1234, login pa55word, https://bob:pw@other.host/")
    masked = redact(text, [url])
    for fragment in ("T0AB1", "B0CD2", "s3cr3tTok", "abcd1234", "pa55word", "bob:pw"):
        assert fragment not in masked
    assert "HTTP 500" in redact("HTTP 500", ["https://h.example/x?api-version=1"])


@pytest.mark.parametrize("host", ["smtp.example.org", "10.0.0.5", "127.0.0.1.nip.io"])
def test_delivery_faults_smtp_security_none_refused_off_loopback(host) -> None:
    with pytest.raises(SmtpSecurityError, match="only allowed for a relay on loopback"):
        check_smtp_security(host, "none")
    with pytest.raises(SmtpSecurityError):
        SmtpConfig.from_settings(Settings(smtp_host=host, smtp_security="none"))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.3.4.5"])
def test_delivery_faults_smtp_security_none_allowed_on_loopback(host) -> None:
    check_smtp_security(host, "none")
    check_smtp_security("smtp.example.org", "starttls")


def test_delivery_faults_smtp_security_none_cli_is_one_line(tmp_path) -> None:
    with environment(HORIZON_SMTP_HOST="smtp.example.invalid", HORIZON_SMTP_SECURITY="none",
                     HORIZON_DB_PATH=str(tmp_path / "h.duckdb"),
                     HORIZON_OUT_DIR=str(tmp_path / "out")):
        result = subprocess.run([sys.executable, "-m", "flows.cli", "digest", "--send"],
                                cwd=ROOT, env=dict(os.environ), capture_output=True,
                                text=True, timeout=300)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "HORIZON_SMTP_SECURITY=none is only allowed" in output
    assert "Traceback" not in output
