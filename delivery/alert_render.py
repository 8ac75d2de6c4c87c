"""A funding alert as an email (text, HTML, .ics), a Slack or a Teams webhook message."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from icalendar import Alarm, Calendar, Event

from delivery.alerts import FundingAlert
from delivery.email import Attachment, build_message, stable_message_id
from delivery.feedback_links import FeedbackLinks
from delivery.render import plain, render_template, safe_url, when
from delivery.text import clip

TITLE_CHARS = 200  # a title in a subject or a chat message (Slack refuses a block over 3,000)
ZWSP = "\u200b"  # breaks markup without changing what a reader sees
_MENTIONS = re.compile(r"@(?=(channel|here|everyone|all|team)\b)", re.IGNORECASE)
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]")


def alert_subject(alert: FundingAlert) -> str:
    closes = f", closes {when(alert.closes_at)}" if alert.closes_at else ""
    title = clip(alert.title, TITLE_CHARS)
    if alert.kind == "updated":
        return f"Funding updated: {title}" + (f" ({'; '.join(alert.changes)})"
                                              if alert.changes else "")
    if alert.kind == "reminder":
        return f"Reminder: {title} closes in {alert.offset_days} days{closes}"
    return f"Funding: {title}, {clip(alert.amount, TITLE_CHARS)}{closes}"


def alert_feedback(alert: FundingAlert, feedback: FeedbackLinks | None) -> list[tuple[str, str]]:
    if feedback is None:
        return []
    return feedback.for_item(alert.document_id, alert.theme, alert.theme_score,
                             alert.model_version)


def render_alert_text(alert: FundingAlert, feedback: FeedbackLinks | None = None) -> str:
    """The plain-text part; a scraped bare CR becomes a line end like any other."""
    text = render_template("alert.txt.j2", alert=alert, subject=alert_subject(alert),
                           feedback=alert_feedback(alert, feedback))
    return re.sub(r"\r\n?", "\n", text)


def render_alert_html(alert: FundingAlert, feedback: FeedbackLinks | None = None) -> str:
    return render_template("alert.html.j2", alert=alert, subject=alert_subject(alert),
                           feedback=alert_feedback(alert, feedback))


def _ics_uri(url: str) -> str:
    """An http(s) URI with no character that could end the line or the value."""
    return _URI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", safe_url(url))


def render_alert_ics(alert: FundingAlert, *, now: datetime) -> str | None:
    """A calendar event for the deadline (30 minutes ending at closing), or None without one.

    icalendar escapes TEXT values and folds lines (RFC 5545); scraped text is made plain first,
    so no control character or markup reaches the calendar.
    """
    if alert.closes_at is None:
        return None
    event = Event()
    event.add("uid", f"{alert.document_id}-deadline@horizon.invalid")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", (alert.closes_at - timedelta(minutes=30)).astimezone(UTC))
    event.add("dtend", alert.closes_at.astimezone(UTC))
    event.add("summary", plain("Deadline: " + alert.title))
    event.add("description", plain(f"{alert.funder} · {alert.amount} · {alert.url}"))
    event.add("url", _ics_uri(alert.url))
    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("trigger", timedelta(days=-1))
    reminder.add("description", plain("Closes tomorrow: " + alert.title))
    event.add_component(reminder)
    calendar = Calendar()
    calendar.add("prodid", "-//Horizon//Funding alerts//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def alert_message(alert: FundingAlert, *, sender: str, to: list[str], now: datetime,
                  feedback: FeedbackLinks | None = None) -> EmailMessage:
    ics = render_alert_ics(alert, now=now)
    attachments = [Attachment(filename="deadline.ics", content_type="text/calendar",
                              data=ics.encode())] if ics else []
    return build_message(subject=alert_subject(alert), sender=sender, to=to,
                         text=render_alert_text(alert, feedback),
                         html=render_alert_html(alert, feedback),
                         message_id=stable_message_id("alert", alert.key), date=now,
                         attachments=attachments)


def _facts(alert: FundingAlert) -> list[tuple[str, str]]:
    facts = [("Funder", alert.funder or "not stated"), ("Amount", alert.amount),
             ("Closes", when(alert.closes_at) or "not stated"),
             ("Who may apply", alert.applicants)]
    if alert.changes:
        facts.insert(0, ("Changed", "; ".join(alert.changes)))
    if alert.reason:
        facts.append(("Why", alert.reason))
    return [(name, plain(value)) for name, value in facts]


def _slack_escape(text: str) -> str:
    """Slack mrkdwn: &, <, > escaped (so no <url|link>, <!channel> or <@user> can be formed),
    and @channel / @here / @everyone broken so they never notify anyone."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTIONS.sub("@" + ZWSP, text)


def _teams_escape(text: str) -> str:
    """Teams markdown: no [text](url) link, no <at> mention or tag, no @channel; each broken
    by an invisible zero-width space, so the text reads the same."""
    text = text.replace("](", "]" + ZWSP + "(").replace("<", "<" + ZWSP)
    return _MENTIONS.sub("@" + ZWSP, text)


def slack_payload(alert: FundingAlert) -> dict[str, Any]:
    """Slack incoming-webhook JSON: a text fallback and Block Kit sections."""
    subject = _slack_escape(plain(alert_subject(alert)))
    url = _ics_uri(alert.url).replace("|", "%7C")
    link = f"<{url}|{_slack_escape(clip(plain(alert.title), TITLE_CHARS))}>"
    fields = "\n".join(f"*{name}:* {_slack_escape(clip(value, 600))}"
                       for name, value in _facts(alert))
    return {
        "text": subject,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{subject}*\n{link}"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": fields[:2900]}},
        ],
    }


def teams_payload(alert: FundingAlert, fmt: str = "adaptive_card") -> dict[str, Any]:
    """Teams incoming-webhook JSON: an Adaptive Card (Workflows) or a legacy MessageCard."""
    subject, url = _teams_escape(plain(alert_subject(alert))), _ics_uri(alert.url)
    facts = [(name, _teams_escape(clip(value, 600))) for name, value in _facts(alert)]
    if fmt == "message_card":
        return {
            "@type": "MessageCard", "@context": "https://schema.org/extensions",
            "summary": subject[:200], "themeColor": "00703C", "title": subject,
            "sections": [{"activityTitle": _teams_escape(clip(plain(alert.title), TITLE_CHARS)),
                          "facts": [{"name": n, "value": v} for n, v in facts]}],
            "potentialAction": [{"@type": "OpenUri", "name": "Open the call",
                                 "targets": [{"os": "default", "uri": url}]}],
        }
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard", "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": subject, "weight": "Bolder", "wrap": True},
            {"type": "FactSet", "facts": [{"title": n, "value": v} for n, v in facts]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the call", "url": url}],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
         "content": card}]}
