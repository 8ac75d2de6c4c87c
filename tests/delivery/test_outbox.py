"""The outbox's rules, Prefect-free, over an in-memory warehouse and a constructed sender."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest

from delivery.outbox import Policy, deliver
from delivery.secrets import OutcomeUnknown, Refused, SendError
from warehouse.db import connect
from warehouse.delivery_state import digest_runs, save_digest_intent
from warehouse.outbox_ledger import Ledger

NOW = datetime(2026, 12, 4, 7, tzinfo=UTC)
DAY = date(2026, 12, 4)
LOG = logging.getLogger("test-outbox")


@pytest.fixture
def con():
    with connect(":memory:") as connection:
        yield connection


class Sender:
    """Raises the queued errors in turn (after the hand-over unless `before`), then accepts."""

    def __init__(self, *errors: BaseException, before: bool = False) -> None:
        self.errors, self.before = list(errors), before
        self.handed_over: list[tuple[str, bool]] = []

    def __call__(self, row, attempt) -> list[str]:
        if not self.before:
            attempt.on_handover()
            self.handed_over.append((row.recipient, attempt.possible_repeat))
        if self.errors:
            raise self.errors.pop(0)
        return []


def run(con, sender, recipients=("a@x",), **policy) -> tuple[dict, object]:
    rows = [save_digest_intent(con, "wmca", DAY, r, subject="s", message_id="<m>", now=NOW)
            .outbox_row() for r in recipients]
    report = deliver(rows, sender, Ledger(con, "digest_runs", now=NOW), Policy(**policy), LOG)
    state = {r.recipient: (r.status, r.attempts, r.possible_repeat, r.repeats)
             for r in digest_runs(con, "wmca", DAY)}
    return state, report


def test_outbox_failure_is_retried_within_the_run_and_counted_once(con) -> None:
    sender = Sender(SendError("451"))
    state, report = run(con, sender, retries=2)
    assert state == {"a@x": ("sent", 1, False, 0)} and report.sent == ["digest 2026-12-04 to a@x"]
    assert len(sender.handed_over) == 2


def test_outbox_permanent_refusal_is_not_retried_within_the_run(con) -> None:
    sender = Sender(Refused("550 no such user"))
    state, _ = run(con, sender, ["a@x", "b@x"], retries=2)
    assert state == {"a@x": ("failed", 1, False, 0), "b@x": ("sent", 1, False, 0)}
    assert [r for r, _ in sender.handed_over] == ["a@x", "b@x"]


def test_outbox_unknown_outcome_gets_one_marked_repeat_in_a_later_run(con) -> None:
    first = Sender(OutcomeUnknown("no reply"))
    state, report = run(con, first, retries=2)
    assert state == {"a@x": ("unknown", 1, False, 0)} and len(first.handed_over) == 1
    assert report.unknown
    second = Sender(OutcomeUnknown("no reply again"))
    state, _ = run(con, second, retries=2)
    assert second.handed_over == [("a@x", True)]
    assert state == {"a@x": ("unknown", 2, True, 1)}
    third = Sender()
    state, report = run(con, third, retries=2)
    assert third.handed_over == [] and report.skipped  # at most one repeat, ever


def test_outbox_repeat_failing_before_hand_over_stays_a_repeat(con) -> None:
    run(con, Sender(OutcomeUnknown("no reply")))
    state, _ = run(con, Sender(SendError("connection refused"), before=True))
    assert state["a@x"][0] == "unknown"  # still unknown whether the first one arrived
    later = Sender()
    state, _ = run(con, later)
    assert later.handed_over == [("a@x", True)] and state["a@x"][:3] == ("sent", 3, True)


def test_outbox_error_after_acceptance_is_a_delivery(con) -> None:
    def accepts_then_breaks(row, attempt):
        attempt.on_handover()
        attempt.on_accepted()
        raise OSError("connection reset after 250")

    state, report = run(con, accepts_then_breaks, retries=2)
    assert state == {"a@x": ("sent", 1, False, 0)} and report.sent


def test_outbox_records_and_logs_errors_redacted(con, caplog) -> None:
    secret = "https://hooks.example/services/T9/B9/tok3n99?sig=s1gn4ture"
    sender = Sender(SendError("posted /services/T9/B9/tok3n99 sig=s1gn4ture: 404"))
    with caplog.at_level(logging.WARNING, logger="test-outbox"):
        run(con, sender, secrets=(secret,))
    [error] = [row[0] for row in con.execute("SELECT error FROM digest_runs").fetchall()]
    for text in (error, caplog.text):
        assert "tok3n99" not in text and "s1gn4ture" not in text and "404" in text


def test_outbox_max_attempts_stops_sending(con) -> None:
    run(con, Sender(SendError("451")), max_attempts=1)
    again = Sender()
    _, report = run(con, again, max_attempts=1)
    assert again.handed_over == [] and report.skipped
