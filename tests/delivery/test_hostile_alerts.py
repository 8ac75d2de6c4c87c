"""Hostile funding items: the alert email (HTML and text), the Slack and Teams payloads and the
.ics are inert and still readable."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from delivery.alert_render import (
    alert_message,
    alert_subject,
    render_alert_html,
    render_alert_ics,
    render_alert_text,
    slack_payload,
    teams_payload,
)
from tests.support.delivery_samples import sample_alert

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
LONG_WORD = "A" * 10_000
HOSTILE = dict(
    title='<script>alert(1)</script><img src=x onerror="alert(2)"> [Free money](https://evil.example)'
          " @channel <!here> <at>Everyone</at>",
    funder='<a href="javascript:alert(3)" onclick="steal()">DfT</a>'
           '<style>body{display:none}</style><div style="position:fixed;top:0">x</div>',
    url="javascript:alert(4)//\r\nATTENDEE:mailto:evil@example.org",
    reason="Matched: " + LONG_WORD,
    eligibility="Line one\r\nATTENDEE:mailto:evil@example.org\rX-INJECTED:1\nLAST:1; a, b",
)


def hostile(**extra):
    return sample_alert(**{**HOSTILE, **extra})


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_alert_html_has_no_active_markup() -> None:
    html = render_alert_html(hostile())
    parser = Tags()
    parser.feed(html)
    names = {tag for tag, _ in parser.tags}
    assert names <= {"html", "head", "meta", "title", "body", "table", "tr", "td", "a", "br"}
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert [attrs["href"] for tag, attrs in parser.tags if tag == "a"] == ["#"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # readable as text


def test_hostile_alert_html_wraps_a_ten_thousand_character_word() -> None:
    html = render_alert_html(hostile())
    cell = html[:html.index(LONG_WORD)]
    assert LONG_WORD in html
    assert "overflow-wrap:anywhere" in cell[cell.rindex("<table"):]


def test_hostile_alert_text_part_is_plain_and_single_line_fields() -> None:
    text = render_alert_text(hostile())
    assert "<script>alert(1)</script>" in text  # shown as it was written, never run
    assert "\r" not in text.replace("\r\n", "\n")


def test_hostile_alert_subject_is_one_short_line() -> None:
    message = alert_message(hostile(title=LONG_WORD + "\r\nBcc: evil@example.org"),
                            sender="h@example.org", to=["a@example.org"], now=NOW)
    assert "evil" not in (message["Bcc"] or "")
    assert len(alert_subject(hostile(title=LONG_WORD))) < 300
    assert message.get_all("Bcc") is None


def ics_properties(ics: str) -> list[str]:
    unfolded = ics.replace("\r\n ", "")
    return [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]


def test_hostile_alert_ics_has_no_injected_properties() -> None:
    ics = render_alert_ics(hostile(), now=NOW)
    names = ics_properties(ics)
    assert "ATTENDEE" not in names and "X-INJECTED" not in names and "LAST" not in names
    assert names.count("DESCRIPTION") == 2 and names.count("URL") == 1
    assert re.search(r"\r(?!\n)|(?<!\r)\n", ics) is None  # only CRLF line ends
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_hostile_alert_ics_escapes_text_per_rfc5545() -> None:
    ics = render_alert_ics(hostile(title="A; B, C \\ D"), now=NOW).replace("\r\n ", "")
    assert "SUMMARY:Deadline: A\\; B\\, C \\\\ D" in ics
    assert "URL:#" in ics


def slack_texts(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_hostile_alert_slack_payload_has_no_links_or_mentions_but_its_own() -> None:
    payload = slack_payload(hostile())
    text = slack_texts(payload)
    assert "<!here>" not in text and "<!channel>" not in text and "<script>" not in text
    assert re.search(r"(?<!\u200b)@channel", text.replace("@\u200bchannel", "")) is None
    links = re.findall(r"<([^>]*)>", text)
    assert links == ["#|&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=\\\"alert(2)"
                     "\\\"&gt; [Free money](https://evil.example) @\u200bchannel &lt;!here&gt; "
                     "&lt;at&gt;Everyone&lt;/at&gt;"]


def test_hostile_alert_slack_blocks_stay_under_slack_limits() -> None:
    payload = slack_payload(hostile(title=LONG_WORD, funder=LONG_WORD))
    assert all(len(block["text"]["text"]) <= 3000 for block in payload["blocks"])


@pytest.mark.parametrize("fmt", ["adaptive_card", "message_card"])
def test_hostile_alert_teams_payload_has_no_markdown_links_or_mentions(fmt) -> None:
    text = json.dumps(teams_payload(hostile(), fmt), ensure_ascii=False)
    assert "](https://evil.example)" not in text
    assert "<at>" not in text and "<script" not in text and "@channel" not in text
    assert "javascript:" not in text.split('"url"')[-1].split('"uri"')[-1][:40]
    assert "Free money" in text and "Everyone" in text  # still readable
