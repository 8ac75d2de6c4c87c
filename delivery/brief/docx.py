"""A brief as a Word document (python-docx): headings, quoted sentences, numbered sources with
links, so the office can edit it."""

from __future__ import annotations

import io
import re

from docx import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from delivery.brief.model import Brief, Line
from delivery.brief.render import safe_link
from delivery.brief.trace import check_traceable

# Characters XML 1.0 cannot hold (python-docx would raise on them).
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", " ".join(text.split()))


def _hyperlink(paragraph, text: str, url: str) -> None:
    """A real Word hyperlink (python-docx has no API for it)."""
    if not safe_link(url):
        paragraph.add_run(_clean(text))
        return
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D4F91")
    props.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = _clean(text)
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _line(doc, line: Line) -> None:
    p = doc.add_paragraph(style="List Bullet")
    if line.label:
        p.add_run(_clean(line.label) + (": " if line.quote or line.title else "")).bold = True
    if line.quote:
        p.add_run(f"“{_clean(line.quote.text)}”")
    elif line.title:
        _hyperlink(p, line.title, line.link)
    if line.ref:
        p.add_run(f" [{line.ref}]")


def render_docx(brief: Brief) -> bytes:
    check_traceable(brief)
    doc = WordDocument()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(_clean(f"Briefing: {brief.topic}"), level=0)
    meta = doc.add_paragraph(_clean(
        f"{brief.region} · as of {brief.as_of:%-d %B %Y} · written by Horizon "
        f"{brief.generated_at:%-d %b %Y %H:%M} UTC"))
    meta.runs[0].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    doc.add_paragraph("Every sentence in quotation marks is copied word for word from the "
                      "source numbered after it; labels in bold are Horizon's.").italic = True
    for part in brief.sections:
        doc.add_heading(part.heading, level=1)
        for line in part.lines:
            _line(doc, line)
        if not part.lines:
            doc.add_paragraph(_clean(part.empty_note or "Nothing in the sources.")).runs[
                0].italic = True
    doc.add_heading("Sources", level=1)
    for s in brief.sources:
        p = doc.add_paragraph(style="List Number")
        p.add_run(f"[{s.ref}] ")
        _hyperlink(p, s.title, s.url)
        day = f"{s.published_at:%-d %b %Y}" if s.published_at else "undated"
        p.add_run(_clean(f". {s.publisher}, {day}. {s.url}. Fetched by Horizon "
                         f"{s.fetched_at:%-d %b %Y %H:%M} UTC."))
    foot = doc.add_paragraph(_clean(
        "Extractive brief: no sentence is paraphrased or generated. Models: "
        f"{', '.join(brief.model_versions) or 'none recorded'}. Parsers: "
        f"{', '.join(brief.parser_versions) or 'none recorded'}."))
    foot.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
