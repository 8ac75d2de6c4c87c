from __future__ import annotations

from datetime import timedelta

import pytest

from delivery.alerts import describe_changes, due_reminder, fingerprint, plan_alerts, qualifies
from delivery.items import source_name
from tests.support.delivery_samples import NOW, sample_profile, scored
from warehouse.delivery_state import AlertedCall
from warehouse.records import ApplicantType, DocumentKind, FundingFacts

SINCE = NOW - timedelta(hours=1)
CLOSES = NOW + timedelta(days=30)


def call(*, eligible: bool | None = True, closes=CLOSES, amount: float = 1_000_000,
         theme: float = 0.8, seen=NOW - timedelta(minutes=10), **doc):
    facts = FundingFacts(funder="DfT", total_amount_gbp=amount, closes_at=closes,
                         eligible_applicants=[ApplicantType.COMBINED_AUTHORITY],
                         eligible_for_authority=eligible)
    return scored(kind=DocumentKind.FUNDING_CALL, closes_at=closes, funding=facts,
                  themes={"transport": (theme, theme >= 0.3, "")},
                  insight={"funding": facts}, first_seen=seen, **doc)


def test_plan_alerts_new_eligible_call_first_seen_since_last_run(profile) -> None:
    [alert] = plan_alerts([call()], profile, now=NOW, since=SINCE, alerted={})
    assert alert.kind == "new"
    assert alert.key.endswith(":new")
    assert (alert.funder, alert.amount, alert.applicants) == ("DfT", "£1 million",
                                                             "combined authority")


def test_plan_alerts_names_the_source_as_the_digest_does(profile) -> None:
    source = call().document.source
    [named] = plan_alerts([call()], profile, now=NOW, since=SINCE, alerted={},
                          source_names={source: "Find a Grant"})
    [unnamed] = plan_alerts([call()], profile, now=NOW, since=SINCE, alerted={})
    assert named.source == "Find a Grant"
    assert unnamed.source == source_name(source, None) and "_" not in unnamed.source


def test_plan_alerts_ignores_calls_seen_before_the_last_run(profile) -> None:
    old = call(seen=SINCE - timedelta(minutes=1))
    assert plan_alerts([old], profile, now=NOW, since=SINCE, alerted={}) == []


@pytest.mark.parametrize(
    ("kwargs", "options", "expected"),
    [
        ({"eligible": False}, {}, False),
        ({"eligible": None}, {}, False),
        ({"eligible": None}, {"include_unknown_eligibility": True}, True),
        ({"theme": 0.1}, {}, False),
        ({"theme": 0.1}, {"min_relevance": 0.05}, True),
        ({"amount": 10_000}, {"min_amount_gbp": 50_000}, False),
        ({"closes": NOW - timedelta(hours=1)}, {}, False),
    ],
)
def test_qualifies_follows_eligibility_and_the_profile_threshold(kwargs, options,
                                                                 expected) -> None:
    profile = sample_profile().model_copy(update={"alerts": sample_profile().alerts.model_copy(
        update=options)})
    assert qualifies(call(**kwargs), profile, NOW) is expected


def test_plan_alerts_changed_call_is_one_update(profile) -> None:
    before = call()
    after = call(closes=CLOSES + timedelta(days=7), amount=2_000_000)
    alerted = {before.document.id: AlertedCall(fingerprint=fingerprint(before),
                                               first_alerted_at=NOW - timedelta(days=1))}
    [alert] = plan_alerts([after], profile, now=NOW, since=SINCE, alerted=alerted)
    assert alert.kind == "updated"
    assert [c.split(":")[0] for c in alert.changes] == ["closing date", "total"]
    again = plan_alerts([after], profile, now=NOW, since=SINCE, alerted=alerted)
    assert again[0].key == alert.key  # the same change has the same key: sent once
    unchanged = {before.document.id: AlertedCall(fingerprint=fingerprint(after),
                                                 first_alerted_at=NOW - timedelta(days=1))}
    assert plan_alerts([after], profile, now=NOW, since=SINCE, alerted=unchanged) == []


def test_due_reminder_picks_the_latest_offset_passed() -> None:
    closes = NOW + timedelta(days=2)
    long_ago = NOW - timedelta(days=30)
    assert due_reminder(closes, [14, 3], NOW, long_ago) == 3
    assert due_reminder(NOW + timedelta(days=10), [14, 3], NOW, long_ago) == 14
    assert due_reminder(NOW + timedelta(days=20), [14, 3], NOW, long_ago) is None
    assert due_reminder(NOW - timedelta(days=1), [14, 3], NOW, long_ago) is None


def test_due_reminder_skips_offsets_passed_before_the_first_alert() -> None:
    closes = NOW + timedelta(days=10)
    assert due_reminder(closes, [14, 3], NOW, NOW - timedelta(days=1)) is None


def test_plan_alerts_reminder_key_names_deadline_and_offset(profile) -> None:
    soon = call(closes=NOW + timedelta(days=2))
    alerted = {soon.document.id: AlertedCall(fingerprint=fingerprint(soon),
                                             first_alerted_at=NOW - timedelta(days=20))}
    [alert] = plan_alerts([soon], profile, now=NOW, since=SINCE, alerted=alerted)
    assert alert.kind == "reminder" and alert.offset_days == 3
    assert alert.key.endswith(f"{soon.document.closes_at:%Y%m%dT%H%M%z}:3d")


def test_describe_changes_names_each_changed_fact() -> None:
    assert describe_changes("closes=a;total=1", "closes=b;total=1") == ["closing date: a → b"]
