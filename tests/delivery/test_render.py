from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import scored

from delivery.digest import build_digest
from delivery.render import render_digest_html, render_digest_text, safe_url, write_digest

DAY = date(2026, 11, 22)
GOLDEN = Path(__file__).parent / "golden"


def _check_golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("HORIZON_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), f"{name} differs; see {path}"


def test_render_digest_html_matches_golden(profile, scored_documents) -> None:
    digest = build_digest(scored_documents, profile, DAY)
    _check_golden("digest-2026-11-22.html", render_digest_html(digest))


def test_render_digest_text_matches_golden(profile, scored_documents) -> None:
    digest = build_digest(scored_documents, profile, DAY)
    _check_golden("digest-2026-11-22.txt", render_digest_text(digest))


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>Buses",
        '<img src=x onerror="alert(1)">Buses',
        '<a href="javascript:alert(1)">Buses</a>',
    ],
)
def test_render_digest_html_makes_scraped_markup_inert(profile, hostile: str) -> None:
    documents = [scored({"title": hostile, "summary": hostile},
                        {"transport": (0.9, True, hostile)})]
    html = render_digest_html(build_digest(documents, profile, DAY))
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert "&lt;" in html


def test_safe_url_only_allows_http() -> None:
    assert safe_url("https://www.gov.uk/x") == "https://www.gov.uk/x"
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url("data:text/html,hi") == "#"


def test_render_digest_text_has_no_markup_or_control_chars(profile) -> None:
    documents = [scored({"title": "Bus\x07 <b>plan</b>"}, {"transport": (0.9, True, "x")})]
    text = render_digest_text(build_digest(documents, profile, DAY))
    assert "\x07" not in text
    assert not re.search(r"[\x00-\x08]", text)


def test_write_digest_writes_html_and_text(tmp_path, profile, scored_documents) -> None:
    html_path, text_path = write_digest(build_digest(scored_documents, profile, DAY), tmp_path)
    assert html_path.name == "digest-2026-11-22.html"
    assert text_path.read_text(encoding="utf-8").startswith("Horizon 22 Nov")
    assert not list(tmp_path.glob("*.partial"))
