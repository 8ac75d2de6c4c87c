"""Retry-After obeyed, over real HTTP: a source answering 429 or 503 with Retry-After is asked
again after that delay (measured between the two requests the fault server saw), and one asking
for more than HORIZON_RETRY_AFTER_MAX_SECONDS is reported failing with the reason, asked once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from scrapers.retry_after import parse_retry_after
from tests.support.hardening_world import crawl_busy_host

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "seconds"), [
    ("120", 120.0), (" 0 ", 0.0), (b"7", 7.0),
    ("Sun, 22 Nov 2026 07:00:30 GMT", 30.0),
    ("Sunday, 22-Nov-26 07:01:00 GMT", 60.0),
    ("Sun, 22 Nov 2026 06:00:00 GMT", 0.0),  # a date already past: at once
])
def test_parse_retry_after_reads_seconds_and_http_dates(header, seconds) -> None:
    assert parse_retry_after(header, NOW) == seconds


@pytest.mark.parametrize("header", [None, "", "soon", "-5", "1.5", "Sun, 99 Nov"])
def test_parse_retry_after_unusable_headers_give_none(header) -> None:
    assert parse_retry_after(header, NOW) is None


def test_retry_after_seconds_on_429_is_waited_then_the_source_is_stored(tmp_path) -> None:
    report, times, stored = crawl_busy_host(tmp_path, "http_429_then_ok", "2")
    assert len(times) >= 2 and 2.0 <= times[1] - times[0] < 10
    assert report.health == "ok" and stored == {"busy": 2}


def test_retry_after_http_date_on_503_is_waited_then_the_source_is_stored(tmp_path) -> None:
    def in_three_seconds() -> str:  # an HTTP-date, computed when the server answers
        return format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)

    report, times, stored = crawl_busy_host(tmp_path, "http_503_then_ok", in_three_seconds)
    assert len(times) >= 2
    assert 2.0 <= times[1] - times[0] < 10  # whole seconds: 2 to 3 s were left
    assert report.health == "ok" and stored == {"busy": 2}


def test_retry_after_beyond_the_cap_is_reported_not_hammered(tmp_path) -> None:
    report, times, stored = crawl_busy_host(tmp_path, "http_429_then_ok", "3600")
    assert len(times) == 1
    assert report.health == "failing"
    assert "HTTP 429 (Retry-After: 3600)" in " ".join(report.errors)
    assert stored == {}
