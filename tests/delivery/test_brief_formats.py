"""Each format of a brief on the constructed warehouse: PDF pages (pdftoppm/pdftotext), DOCX read
back with python-docx, HTML in Chromium at phone width and A4, hostile text inert everywhere."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from delivery.brief.docx import render_docx
from delivery.brief.model import Brief
from delivery.brief.render import render_html, render_pdf
from tests.support.brief_world import BriefWorld, save_brief_world

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
HEADINGS = ["Bottom line", "What is happening", "What it means for us", "In Parliament",
            "Deadlines and money", "Key figures", "Sources"]
TOPIC = "bus franchising Testshire riders plan trap"  # also finds the hostile page


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Brief:
    world: BriefWorld = save_brief_world(tmp_path_factory.mktemp("formats") / "h.duckdb")
    paper = world.brief(TOPIC)
    assert world.ids["hostile"] in {s.document_id for s in paper.sources}
    return paper


@pytest.fixture(scope="module")
def pdf(brief: Brief, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "brief.pdf"
    path.write_bytes(render_pdf(brief))
    return path


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="needs Debian's poppler-utils (pdftoppm, pdftotext)")


@needs_poppler
def test_brief_pdf_pages_render_as_a4_pngs(pdf: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True, timeout=60)
    pages = sorted(pdf.parent.glob("brief-*.png"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert 1 <= count <= 6 and len(pages) == count
    assert "(A4)" in info
    assert all(p.stat().st_size > 1000 for p in pages)  # not blank


@needs_poppler
def test_brief_pdf_text_has_sections_quotes_and_sources(pdf: Path, brief: Brief) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat
    assert "£6.2 million" in flat and "Sam Member" in flat
    assert brief.sources[0].url.split("//")[1][:20] in flat
    assert '<script>alert("x")</script>' in flat  # shown as text, not run


def test_brief_docx_reads_back_with_headings_citations_and_links(brief: Brief) -> None:
    from docx import Document

    doc = Document(io.BytesIO(render_docx(brief)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == HEADINGS
    body = "\n".join(p.text for p in doc.paragraphs)
    first = brief.sections[0].lines[0]
    assert f"“{first.quote.text}” [{first.ref}]" in body
    links = {r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")}
    assert {s.url for s in brief.sources} <= links
    assert all(u.startswith("https://") for u in links)
    assert "\x1b" not in body and '<script>alert("x")</script>' in body
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package")
def test_brief_html_fits_a_phone_and_a4_in_chromium(brief: Brief, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "brief.html"
    page_file.write_text(render_html(brief), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for width, media in ((400, "screen"), (794, "print")):  # 794 px: A4 at 96 dpi
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.emulate_media(media=media)
                page.goto(page_file.as_uri())
                scroll, client = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                assert scroll <= client, (width, media, scroll, client)
                assert page.evaluate("window.__pwned === undefined")
                assert page.locator("script").count() == 0
                assert page.locator("h2").all_text_contents() == HEADINGS
                page.close()
        finally:
            browser.close()
