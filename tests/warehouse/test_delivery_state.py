from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.delivery_state import (
    AlertDelivery,
    DigestWindow,
    alert_deliveries,
    alerted_calls,
    digest_runs,
    funding_candidates,
    get_digest,
    open_deadlines,
    previous_digest_end,
    save_alert_intents,
    save_alert_outcome,
    save_digest,
    save_digest_intent,
    save_digest_outcome,
)
from warehouse.records import DocumentKind, FundingFacts
from warehouse.save import save_documents

NOW = datetime(2026, 11, 22, 7, tzinfo=UTC)
DAY = date(2026, 11, 22)


@pytest.fixture
def con():
    with connect(":memory:") as connection:
        yield connection


def test_save_digest_intent_is_once_per_recipient_and_sent_stays_sent(con) -> None:
    save_digest_intent(con, "wmca", DAY, "a@x", subject="s", message_id="<m>", now=NOW)
    save_digest_outcome(con, "wmca", DAY, "a@x", sent=True, now=NOW)
    again = save_digest_intent(con, "wmca", DAY, "a@x", subject="s2", message_id="<m>", now=NOW)
    save_digest_outcome(con, "wmca", DAY, "a@x", sent=False, error="late", now=NOW)
    [run] = digest_runs(con, "wmca", DAY)
    assert again.status == "sent"
    assert (run.status, run.attempts, run.error) == ("sent", 1, "")


def test_save_digest_outcome_counts_failed_attempts(con) -> None:
    save_digest_intent(con, "wmca", DAY, "a@x", subject="s", message_id="<m>", now=NOW)
    save_digest_outcome(con, "wmca", DAY, "a@x", sent=False, error="421", now=NOW)
    save_digest_intent(con, "wmca", DAY, "a@x", subject="s", message_id="<m>", now=NOW)
    save_digest_outcome(con, "wmca", DAY, "a@x", sent=False, error="421 again", now=NOW)
    [run] = digest_runs(con, "wmca", DAY)
    assert (run.status, run.attempts, run.error) == ("failed", 2, "421 again")


def test_digest_windows_chain_day_to_day(con) -> None:
    window = DigestWindow(profile="wmca", day=DAY, window_start=None, window_end=NOW,
                          subject="s", new_items=3, quiet=False, outputs=["a"], rendered_at=NOW)
    save_digest(con, window)
    save_digest(con, window)
    assert get_digest(con, "wmca", DAY) == window
    assert previous_digest_end(con, "wmca", DAY + timedelta(days=1)) == NOW
    assert previous_digest_end(con, "wmca", DAY) is None


def _delivery(key: str, channel: str, fingerprint: str = "f1") -> AlertDelivery:
    return AlertDelivery(alert_key=key, channel=channel, profile="wmca",
                         document_id=uuid.UUID(int=1), kind="new", fingerprint=fingerprint,
                         payload="{}")


def test_save_alert_intents_once_per_key_and_channel(con) -> None:
    assert save_alert_intents(con, [_delivery("k", "email"), _delivery("k", "slack")],
                              now=NOW) == 2
    assert save_alert_intents(con, [_delivery("k", "email")], now=NOW) == 0
    save_alert_outcome(con, "k", "email", sent=True, now=NOW)
    save_alert_outcome(con, "k", "slack", sent=False, error="500", now=NOW)
    unsent = alert_deliveries(con, "wmca", unsent_only=True)
    assert [(d.channel, d.status, d.attempts) for d in unsent] == [("slack", "failed", 1)]
    assert alert_deliveries(con, "wmca", unsent_only=True, max_attempts=1) == []
    assert alerted_calls(con, "wmca")[uuid.UUID(int=1)].fingerprint == "f1"


def test_open_deadlines_and_funding_candidates_read_funding_facts(con) -> None:
    closes = NOW + timedelta(days=5)
    consultation = make_document(url="https://www.gov.uk/c", kind=DocumentKind.CONSULTATION,
                                 closes_at=closes)
    grant = make_document(url="https://www.gov.uk/g", kind=DocumentKind.NEWS,
                          funding=FundingFacts(closes_at=closes))
    closed = make_document(url="https://www.gov.uk/old", kind=DocumentKind.GRANT,
                           closes_at=NOW - timedelta(days=1))
    save_documents(con, [consultation, grant, closed], now=NOW)
    soon = open_deadlines(con, "wmca", NOW, NOW + timedelta(days=14))
    assert {s.document.url for s in soon} == {consultation.url, grant.url}
    assert [s.document.url for s in funding_candidates(con, "wmca", NOW)] == [grant.url]
