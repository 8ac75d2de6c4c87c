"""A brief as HTML (print CSS, A4, phone-readable), Markdown and PDF (WeasyPrint from the HTML).

Every renderer first runs `check_traceable`: a brief quoting text that is not verbatim in its
cited document is never rendered. Scraped text is escaped in every format.
"""

from __future__ import annotations

import re
from pathlib import Path

from delivery.brief.model import Brief, Line
from delivery.brief.trace import check_traceable
from delivery.render import plain, render_template, safe_url, write_atomic

FORMATS = ("html", "md", "docx", "pdf")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def safe_link(url: str) -> bool:
    return safe_url(url) != "#"


def render_html(brief: Brief) -> str:
    check_traceable(brief)
    return render_template("brief.html.j2", brief=brief, safe_link=safe_link)


def md_escape(text: str) -> str:
    """Scraped text inert in Markdown: one line, no markup, no raw HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(plain(text).split()))


def _md_link(text: str, url: str) -> str:
    if not safe_link(url):
        return md_escape(text)
    target = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace(
        "<", "%3C").replace(">", "%3E")
    return f"[{md_escape(text)}]({target})"


def _md_line(line: Line) -> str:
    parts = []
    if line.label:
        parts.append(f"**{md_escape(line.label)}**" + (":" if line.quote or line.title else ""))
    if line.quote:
        parts.append(f"“{md_escape(line.quote.text)}”")
    elif line.title:
        parts.append(_md_link(line.title, line.link))
    if line.ref:
        parts.append(f"\\[{line.ref}\\]")
    return "- " + " ".join(parts)


def render_markdown(brief: Brief) -> str:
    check_traceable(brief)
    out = [f"# Briefing: {md_escape(brief.topic)}", "",
           f"{md_escape(brief.region)} · as of {brief.as_of:%-d %B %Y} · written by Horizon "
           f"{brief.generated_at:%-d %b %Y %H:%M} UTC", "",
           "_Every sentence in quotation marks is copied word for word from the source "
           "numbered after it; labels in bold are Horizon's._", ""]
    for section in brief.sections:
        out += [f"## {section.heading}", ""]
        out += [_md_line(line) for line in section.lines] or [
            f"_{md_escape(section.empty_note or 'Nothing in the sources.')}_"]
        out.append("")
    out += ["## Sources", ""]
    for s in brief.sources:
        day = f"{s.published_at:%-d %b %Y}" if s.published_at else "undated"
        out.append(f"{s.ref}\\. {_md_link(s.title, s.url)}. {md_escape(s.publisher)}, {day}. "
                   f"<{s.url if safe_link(s.url) else ''}>. Fetched by Horizon "
                   f"{s.fetched_at:%-d %b %Y %H:%M} UTC.")
    out += ["", f"---\n\nExtractive brief: no sentence is paraphrased or generated. Models: "
                f"{md_escape(', '.join(brief.model_versions) or 'none recorded')}. Parsers: "
                f"{md_escape(', '.join(brief.parser_versions) or 'none recorded')}.", ""]
    return "\n".join(out)


def render_pdf(brief: Brief) -> bytes:
    """A4 PDF from the HTML; WeasyPrint may fetch nothing but data: URLs."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(brief)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()


def write_brief(brief: Brief, out_dir: Path, formats: list[str], stem: str) -> list[Path]:
    """Write the brief in each format; nothing is written if it fails the trace check."""
    from delivery.brief.docx import render_docx

    check_traceable(brief)
    renderers = {"html": render_html, "md": render_markdown, "docx": render_docx,
                 "pdf": render_pdf}
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = {fmt: renderers[fmt](brief) for fmt in formats}
    paths = []
    for fmt, content in rendered.items():
        paths.append(write_atomic(out_dir / f"{stem}.{fmt}", content))
    return paths
