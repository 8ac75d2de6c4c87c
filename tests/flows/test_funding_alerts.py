"""Funding alerts over a real SMTP server and a real webhook receiver, both on loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from flows.funding_alerts import funding_alerts
from tests.support.delivery_world import (
    RECIPIENTS,
    smtp_server,
    store,
    use_settings,
    webhook_receiver,
    write_config,
)
from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.records import ApplicantType, DocumentKind, FundingFacts, RunStatus, Signal

T0 = datetime.now(UTC).replace(microsecond=0)
CALL_URL = "https://www.find-government-grants.service.gov.uk/grants/bus-capability-fund"


def funding(closes_at: datetime, amount: float = 45_000_000, **extra) -> FundingFacts:
    values = {"funder": "Department for Transport", "total_amount_gbp": amount,
              "max_award_gbp": 5_000_000, "closes_at": closes_at,
              "eligible_applicants": [ApplicantType.COMBINED_AUTHORITY],
              "eligible_for_authority": True,
              "eligibility_reason": "Open to mayoral combined authorities."}
    return FundingFacts(**{**values, **extra})


def save_call(db: Path, facts: FundingFacts, *, seen: datetime, url: str = CALL_URL,
              title: str = "Bus franchising capability fund") -> None:
    document = make_document(url=url, title=title, kind=DocumentKind.FUNDING_CALL,
                             source="find_a_grant", closes_at=facts.closes_at, funding=facts)
    store(db, document, seen=seen, themes={"transport": 0.8},
          insight={"signal": Signal.OPPORTUNITY, "signal_score": 0.8,
                   "signal_reason": "new fund for franchising", "region_score": 0.6,
                   "funding": facts})


@pytest.fixture
def world(tmp_path: Path, monkeypatch):
    """SMTP, Teams and Slack receivers on loopback, and settings pointing at them."""
    with smtp_server() as (mail, port), webhook_receiver() as (hooks, base):
        use_settings(monkeypatch, config_dir=write_config(tmp_path / "config"),
                     out_dir=tmp_path / "out", db_path=tmp_path / "horizon.duckdb",
                     smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                     teams_webhook_url=f"{base}/teams", slack_webhook_url=f"{base}/slack",
                     send_retries=0)
        yield tmp_path / "horizon.duckdb", mail, hooks


def deliveries(db: Path) -> list[tuple[str, str, str]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT kind, channel, status FROM alert_deliveries"
                           " ORDER BY created_at, kind, channel").fetchall()


def run_at(when: datetime, **kwargs):
    with time_machine.travel(when, tick=True):
        return funding_alerts(profile="wmca", send=True, **kwargs)


def test_funding_alerts_arrive_once_per_channel(world) -> None:
    db, mail, hooks = world
    save_call(db, funding(T0 + timedelta(days=30)), seen=T0 - timedelta(hours=1))
    first = run_at(T0)
    second = run_at(T0 + timedelta(hours=1))
    assert first.status is RunStatus.SUCCEEDED and second.status is RunStatus.SUCCEEDED
    assert [(k, c, s) for k, c, s in deliveries(db)] == [
        ("new", "email", "sent"), ("new", "email", "sent"), ("new", "slack", "sent"),
        ("new", "teams", "sent")]
    message = mail.received[0]  # one message per recipient
    assert sorted(rcpt for _, rcpts in mail.envelopes for rcpt in rcpts) == sorted(RECIPIENTS)
    assert all(len(rcpts) == 1 for _, rcpts in mail.envelopes)
    assert message["Subject"].startswith("Funding: Bus franchising capability fund")
    [calendar] = [p for p in message.iter_attachments() if p.get_content_type() ==
                  "text/calendar"]
    assert "BEGIN:VEVENT" in calendar.get_content()
    body = message.get_body(("plain",)).get_content()
    for fact in ("Department for Transport", "up to £5 million per award",
                 "combined authority", "Open to mayoral combined authorities", CALL_URL):
        assert fact in body
    [teams] = hooks.bodies("/teams")
    [slack] = hooks.bodies("/slack")
    assert teams["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "Bus franchising capability fund" in slack["text"]


def test_funding_alerts_changed_call_sends_one_update(world) -> None:
    db, mail, hooks = world
    save_call(db, funding(T0 + timedelta(days=30)), seen=T0 - timedelta(hours=1))
    run_at(T0)
    save_call(db, funding(T0 + timedelta(days=40), amount=60_000_000),
              seen=T0 + timedelta(minutes=30))
    run_at(T0 + timedelta(hours=1))
    run_at(T0 + timedelta(hours=2))
    kinds = [(k, c) for k, c, _ in deliveries(db)]
    n = len(RECIPIENTS)  # one email row and message per recipient
    assert kinds.count(("updated", "email")) == n and kinds.count(("new", "email")) == n
    assert len(hooks.bodies("/slack")) == 2
    update = mail.received[n]
    assert update["Subject"].startswith("Funding updated: Bus franchising capability fund")
    assert "closing date" in update["Subject"] and "total" in update["Subject"]


def test_funding_alerts_reminders_fire_once_at_each_offset(world) -> None:
    db, mail, hooks = world
    closes = T0 + timedelta(days=20)
    save_call(db, funding(closes), seen=T0 - timedelta(hours=1))
    run_at(T0)
    for when in (closes - timedelta(days=14) + timedelta(hours=1),
                 closes - timedelta(days=14) + timedelta(hours=2),
                 closes - timedelta(days=10),
                 closes - timedelta(days=3) + timedelta(hours=1),
                 closes - timedelta(days=2),
                 closes + timedelta(hours=1)):
        run_at(when)
    subjects = [m["Subject"] for m in mail.received][::len(RECIPIENTS)]
    assert len(mail.received) == 3 * len(RECIPIENTS)
    assert [s.split(":")[0] for s in subjects] == ["Funding", "Reminder", "Reminder"]
    assert "closes in 14 days" in subjects[1] and "closes in 3 days" in subjects[2]
    assert len(hooks.bodies("/teams")) == 3


def test_funding_alerts_skip_calls_the_authority_may_not_enter(world) -> None:
    db, mail, _ = world
    save_call(db, funding(T0 + timedelta(days=30), eligible_for_authority=False),
              seen=T0 - timedelta(hours=1))
    save_call(db, funding(T0 + timedelta(days=30), eligible_for_authority=None),
              seen=T0 - timedelta(hours=1), url=CALL_URL + "-unknown", title="Unknown")
    run_at(T0)
    assert mail.received == [] and deliveries(db) == []


def test_funding_alerts_failed_webhook_is_sent_once_by_a_later_run(world) -> None:
    db, mail, hooks = world
    save_call(db, funding(T0 + timedelta(days=30)), seen=T0 - timedelta(hours=1))
    hooks.fail = 2  # Teams and Slack both answer 500 the first time
    first = run_at(T0)
    assert first.status is RunStatus.PARTIAL
    assert sorted((c, s) for _, c, s in deliveries(db)) == [
        ("email", "sent"), ("email", "sent"), ("slack", "failed"), ("teams", "failed")]
    run_at(T0 + timedelta(hours=1))
    run_at(T0 + timedelta(hours=2))
    assert len(hooks.bodies("/teams")) == 1 and len(hooks.bodies("/slack")) == 1
    assert len(mail.received) == len(RECIPIENTS)


def test_funding_alerts_dry_run_writes_files_and_records_nothing(world, tmp_path) -> None:
    db, mail, hooks = world
    save_call(db, funding(T0 + timedelta(days=30)), seen=T0 - timedelta(hours=1))
    with time_machine.travel(T0, tick=True):
        report = funding_alerts(profile="wmca", send=False)
    assert sorted(Path(p).suffix for p in report.outputs) == [".eml", ".ics"]
    assert mail.received == [] and hooks.posts == [] and deliveries(db) == []
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flow_runs").fetchone()[0] == 0
    assert json.dumps(report.notes).count("1 new") == 1
