"""One outbox for every send: the digest and the funding alerts, by email and by webhook.

The rules (docs/delivery.md):

- one message per (item, channel, recipient), one ledger row each (warehouse/outbox_ledger.py);
  a refusal for one recipient never re-sends to another;
- the server's acceptance is the delivery: SMTP's 250 to the final "." (what follows, a QUIT
  answered 421 or a dropped connection, is logged, never retried), a webhook's 2xx;
- a send that certainly failed (refused connection, 4xx/5xx reply) is retried within the run
  (`retries`, not after a permanent refusal) and by later runs, up to `max_attempts`;
- a send whose outcome is unknown (it went out, no answer came; or a run died between hand-over
  and recording) is not sent again within the run, and gets one more hand-over at most, in a
  later run, marked as a possible repeat (a header on the message, `possible_repeat` recorded);
- every error recorded or logged is redacted (delivery/secrets.py).

Prefect-free: delivery/digest_send.py and delivery/alert_send.py build the rows and the
sender, pass a logger and call `deliver`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from delivery.secrets import OutcomeUnknown, Refused, describe, redact, settings_secrets
from warehouse.config.settings import Settings
from warehouse.db import kill_point
from warehouse.delivery_state import FAILED, QUIET, SENDING, SENT, UNKNOWN, OutboxRow
from warehouse.outbox_ledger import Ledger

REPEAT_HEADER = "X-Horizon-Possible-Repeat"


@dataclass
class Attempt:
    """What a sender is given for one send: call `on_handover` just before the message leaves
    and `on_accepted` when the server has accepted it (if it does not, the outbox calls it
    when the sender returns)."""

    possible_repeat: bool
    on_handover: Callable[[], None]
    on_accepted: Callable[[], None]


Sender = Callable[[OutboxRow, Attempt], list[str] | None]  # returns notes (e.g. a QUIT 421)


@dataclass(frozen=True)
class Policy:
    retries: int = 0  # within the run, after a failure that is neither permanent nor unknown
    retry_delay_seconds: float = 0
    max_attempts: int = 12  # runs, per row
    secrets: tuple[str, ...] = ()
    kill_at: str = ""  # crash tests: the kill point between acceptance and its record

    @classmethod
    def from_settings(cls, settings: Settings, kill_at: str) -> Policy:
        """The HORIZON_SEND_* settings, and every secret of the settings to redact."""
        return cls(retries=settings.send_retries,
                   retry_delay_seconds=settings.send_retry_delay_seconds,
                   max_attempts=settings.send_max_attempts,
                   secrets=tuple(settings_secrets(settings)), kill_at=kill_at)


@dataclass
class OutboxReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def undelivered(self) -> list[str]:
        """The rows not delivered this run: failed, or with an unknown outcome."""
        return self.failed + self.unknown


def deliver(rows: Iterable[OutboxRow], send: Sender, ledger: Ledger, policy: Policy,
            logger: logging.Logger | logging.LoggerAdapter) -> OutboxReport:
    """Send every row that is due, once each, recording every state (see the module notes)."""
    report = OutboxReport()
    for row in rows:
        why_not = _not_due(row, policy)
        if why_not:
            report.skipped.append(row.label)
            if why_not != SENT:
                report.notes.append(f"{row.label}: not sent: {why_not}")
            continue
        repeat = row.possible_repeat or row.status in (SENDING, UNKNOWN)
        if row.status in (SENDING, UNKNOWN):
            note = (f"{row.label}: the last send's outcome is unknown; sending once more,"
                    f" marked as a possible repeat")
            report.notes.append(note)
            logger.warning("%s", note)
        outcome, reason, notes = _send_row(row, send, ledger, policy, repeat)
        for note in notes:
            logger.info("%s: %s", row.label, redact(note, policy.secrets))
        {SENT: report.sent, UNKNOWN: report.unknown, FAILED: report.failed}[outcome].append(
            row.label)
        if outcome != SENT:
            logger.warning("%s not delivered (%s): %s", row.label, outcome, reason)
    return report


def _not_due(row: OutboxRow, policy: Policy) -> str:
    if row.status in (SENT, QUIET):
        return SENT
    if row.attempts >= policy.max_attempts:
        return f"{row.attempts} attempts made (HORIZON_SEND_MAX_ATTEMPTS)"
    if row.possible_repeat and row.repeats >= 1:
        return "its outcome was unknown and it was already sent once more"
    return ""


def _send_row(row: OutboxRow, send: Sender, ledger: Ledger, policy: Policy, repeat: bool
              ) -> tuple[str, str, list[str]]:
    """(outcome, redacted reason, notes) of one row's send, retries within the run included."""
    state = {"handed_over": False, "accepted": False}

    def on_handover() -> None:
        # The first hand-over of the run counts the run's attempt (and the repeat).
        ledger.mark_sending(row, attempts=0 if state["handed_over"] else 1,
                            repeat=repeat and not state["handed_over"])
        state["handed_over"] = True

    def on_accepted() -> None:
        if state["accepted"]:
            return
        state["accepted"] = True
        if policy.kill_at:
            kill_point(policy.kill_at)  # crash tests only: the residual at-least-once window
        ledger.mark_outcome(row, status=SENT, attempts=0 if state["handed_over"] else 1)

    attempt = Attempt(possible_repeat=repeat, on_handover=on_handover, on_accepted=on_accepted)
    tries = 0
    while True:
        tries += 1
        try:
            notes = send(row, attempt) or []
        except Exception as error:  # every failure is recorded; the run goes on
            if state["accepted"]:  # accepted, then something broke: delivered all the same
                return SENT, "", [describe(error, policy.secrets)]
            reason = describe(error, policy.secrets)
            unknown = isinstance(error, OutcomeUnknown)
            final = (unknown or isinstance(error, Refused) or tries > policy.retries
                     or (repeat and state["handed_over"]))  # a repeat gets one hand-over
            if not final:
                time.sleep(policy.retry_delay_seconds)
                continue
            # A possible repeat that never left keeps its earlier, unknown outcome.
            still_unknown = unknown or (repeat and not state["handed_over"])
            ledger.mark_outcome(row, status=UNKNOWN if still_unknown else FAILED, error=reason,
                                attempts=0 if state["handed_over"] else 1)
            return (UNKNOWN if unknown else FAILED), reason, []
        on_accepted()
        return SENT, "", notes
