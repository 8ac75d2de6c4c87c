from __future__ import annotations

import json

from delivery.alert_render import (
    alert_message,
    alert_subject,
    render_alert_html,
    render_alert_ics,
    slack_payload,
    teams_payload,
)
from tests.support.delivery_samples import NOW, sample_alert


def test_alert_subject_per_kind() -> None:
    assert alert_subject(sample_alert()) == ("Funding: Bus franchising capability fund, up to £5 "
                                      "million per award, closes 18 Dec 2026 17:00")
    assert alert_subject(sample_alert(kind="reminder", offset_days=3)).startswith(
        "Reminder: Bus franchising capability fund closes in 3 days")
    assert alert_subject(sample_alert(kind="updated", changes=["total: 1 → 2"])) == (
        "Funding updated: Bus franchising capability fund (total: 1 → 2)")


def test_render_alert_ics_is_a_deadline_event_with_folded_escaped_lines() -> None:
    ics = render_alert_ics(sample_alert(title="Fund; with, commas " + "x" * 120), now=NOW)
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and ics.endswith("END:VCALENDAR\r\n")
    assert "DTEND:20261218T170000Z" in lines
    assert "DTSTART:20261218T163000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = ics.replace("\r\n ", "")
    assert "SUMMARY:Deadline: Fund\\; with\\, commas" in unfolded


def test_render_alert_ics_without_deadline_is_none() -> None:
    assert render_alert_ics(sample_alert(closes_at=None), now=NOW) is None


def test_alert_message_carries_text_html_and_calendar() -> None:
    message = alert_message(sample_alert(), sender="h@example.org", to=["a@example.org"], now=NOW)
    assert message.get_content_type() == "multipart/mixed"
    [body, _] = list(message.iter_parts())
    assert [p.get_content_type() for p in body.iter_parts()] == ["text/plain", "text/html"]
    [ics] = list(message.iter_attachments())
    assert ics.get_filename() == "deadline.ics"


def test_render_alert_html_makes_scraped_markup_inert() -> None:
    html = render_alert_html(sample_alert(title="<script>alert(1)</script>Fund",
                                   url="javascript:alert(1)"))
    assert "<script" not in html and 'href="javascript:' not in html


def test_slack_payload_escapes_and_links() -> None:
    payload = slack_payload(sample_alert(title="Fund <b> & co"))
    text = json.dumps(payload)
    assert "Fund &lt;b&gt; &amp; co" in text
    assert "<https://www.gov.uk/fund|" in payload["blocks"][0]["text"]["text"]


def test_teams_payload_formats() -> None:
    card = teams_payload(sample_alert())["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["actions"][0]["url"] == "https://www.gov.uk/fund"
    legacy = teams_payload(sample_alert(), "message_card")
    assert legacy["@type"] == "MessageCard"
    facts = {f["name"]: f["value"] for f in legacy["sections"][0]["facts"]}
    assert facts["Closes"] == "18 Dec 2026 17:00"
