from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from delivery.digest import build_digest
from delivery.health import HealthLine, SourceHealth
from delivery.render import render_digest_html, render_digest_text, safe_url, write_digest
from tests.support.delivery_samples import NOW, demo_profile, demo_scored, scored

DAY = NOW.date()
GOLDEN = Path(__file__).parent / "golden"
HEALTH = SourceHealth(healthy=3, problems=[
    HealthLine(source="parliament_hansard", status="failing", detail="HTTP 503 for every page"),
    HealthLine(source="find_a_grant", status="stale", detail="nothing new since 2 Nov 2026"),
])


NAMES = {"govuk_news": "GOV.UK news", "parliament_hansard": "Hansard",
         "find_a_grant": "Find a Grant"}
LATER = date(2026, 11, 29)  # the same week re-rendered a week on: deadlines move, none from
# the wall clock


def demo_digest(day: date = DAY):
    """The demo week (real parser, hand-set judgements) as the WMCA digest of `day`, judged at
    that day's 07:00 (the digest's own "now")."""
    return build_digest(demo_scored(), demo_profile(), day, volume={"transport": 9, "housing": 4},
                        health=HEALTH, source_names=NAMES)


def _check_golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("HORIZON_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), f"{name} differs; see {path}"


@pytest.mark.parametrize("day", [DAY, LATER], ids=str)
def test_render_digest_html_of_demo_day_matches_golden(day: date) -> None:
    _check_golden(f"digest-{day}.html", render_digest_html(demo_digest(day)))


@pytest.mark.parametrize("day", [DAY, LATER], ids=str)
def test_render_digest_text_of_demo_day_matches_golden(day: date) -> None:
    _check_golden(f"digest-{day}.txt", render_digest_text(demo_digest(day)))


def test_render_digest_html_of_demo_day_is_under_gmail_clipping() -> None:
    for day in (DAY, LATER):
        assert len(render_digest_html(demo_digest(day)).encode()) < 100_000


def test_render_digest_html_is_table_layout_with_inline_css() -> None:
    html = render_digest_html(demo_digest())
    assert "<style" not in html and "class=" not in html
    assert html.count('role="presentation"') >= 3
    assert "This week by theme" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>Buses",
        '<img src=x onerror="alert(1)">Buses',
        '<a href="javascript:alert(1)">Buses</a>',
    ],
)
def test_render_digest_html_makes_scraped_markup_inert(profile, hostile: str) -> None:
    documents = [scored(title=hostile, summary=hostile,
                        themes={"transport": (0.9, True, hostile)},
                        insight={"signal_reason": hostile, "matched_terms": ["script"]})]
    html = render_digest_html(build_digest(documents, profile, DAY, now=NOW))
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert "&lt;" in html


def test_render_digest_html_never_links_a_javascript_url(profile) -> None:
    document = scored(url="https://www.gov.uk/x", themes={"transport": (0.9, True, "")})
    digest = build_digest([document], profile, DAY, now=NOW)
    hostile = digest.model_copy(deep=True)
    item = hostile.sections[0].groups[0].items[0]
    object.__setattr__(item, "url", "javascript:alert(1)")
    assert 'href="#"' in render_digest_html(hostile)


def test_safe_url_only_allows_http() -> None:
    assert safe_url("https://www.gov.uk/x") == "https://www.gov.uk/x"
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url("data:text/html,hi") == "#"


def test_render_digest_text_has_no_control_chars(profile) -> None:
    documents = [scored(title="Bus\x07 <b>plan</b>", themes={"transport": (0.9, True, "x")})]
    text = render_digest_text(build_digest(documents, profile, DAY, now=NOW))
    assert "Bus <b>plan</b>" in text
    assert not re.search(r"[\x00-\x08]", text)


def test_render_digest_text_marks_highlighted_terms() -> None:
    text = render_digest_text(demo_digest())
    assert "scheme *delayed*" in text


def test_write_digest_writes_html_and_text(tmp_path) -> None:
    html_path, text_path = write_digest(demo_digest(), tmp_path)
    assert html_path.name == "digest-2026-11-22.html"
    assert text_path.read_text(encoding="utf-8").startswith("Horizon 22 Nov")
    assert not list(tmp_path.glob("*.partial"))


def test_render_digest_says_how_much_history_a_first_run_loaded(profile) -> None:
    from datetime import UTC, datetime
    old = scored(themes={"transport": (0.9, True, "x")},
                 published_at=datetime(2009, 6, 1, tzinfo=UTC))
    digest = build_digest([old], profile, DAY, now=NOW)
    assert "History loaded: 1 older document back to 1 Jun 2009" in render_digest_text(digest)
    assert "History loaded: 1 older document back to 1 Jun 2009" in render_digest_html(digest)
