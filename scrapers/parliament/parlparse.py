"""TheyWorkForYou / ParlParse XML (debates, Westminster Hall, written answers, statements).

Live: https://www.theyworkforyou.com/pwdata/scrapedxml/<folder>/ lists one file per sitting day
and version (debates2009-10-29a.xml, ...b.xml). A run reads the newest version of each day since
the watermark (on a first run, the newest `max_files` days). One record per speech, and one per
written question with its answer; the record's address is the TheyWorkForYou page of its id.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from lxml import etree

from scrapers.dates import LONDON
from scrapers.errors import ParseError
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind
from warehouse.text import html_to_text

PARSER_VERSION = "parlparse/1"
TWFY = "https://www.theyworkforyou.com"
_FILE = re.compile(r"([a-z]+)(\d{4}-\d{2}-\d{2})([a-z]*)\.xml$")
_GID = re.compile(r"^uk\.org\.publicwhip/([a-z]+)/(\d{4}-\d{2}-\d{2})([a-z]?)\.(.+)$")
# ParlParse id type -> (TheyWorkForYou section, kind, house)
SECTIONS: dict[str, tuple[str, DocumentKind, str]] = {
    "debate": ("debates", DocumentKind.DEBATE, "Commons"),
    "westminhall": ("whall", DocumentKind.DEBATE, "Commons"),
    "wrans": ("wrans", DocumentKind.WRITTEN_QUESTION, "Commons"),
    "wms": ("wms", DocumentKind.WRITTEN_STATEMENT, "Commons"),
    "lords": ("lords", DocumentKind.DEBATE, "Lords"),
}


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, f"pwdata/scrapedxml/{folder}/"), step="index",
                  conditional=True) for folder in ctx.param_list("folders")]


def pick_files(hrefs: list[str], since: Any, max_files: int) -> list[str]:
    """The newest version of each day's file, days since `since` (or the newest `max_files`)."""
    newest: dict[str, tuple[str, str]] = {}
    for href in hrefs:
        match = _FILE.search(href)
        if not match:
            continue
        day, version = match.group(2), match.group(3)
        if day not in newest or version > newest[day][0]:
            newest[day] = (version, href)
    days = sorted(newest)
    chosen = [d for d in days if d >= since.isoformat()] if since else days[-max_files:]
    return [newest[d][1] for d in chosen]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    if fetch.step == "index":
        root = etree.fromstring(body, etree.HTMLParser(no_network=True))
        if root is None:
            raise ParseError("ParlParse index: empty page")
        hrefs = [str(h) for h in root.xpath("//a/@href")]
        files = pick_files(hrefs, ctx.since, int(ctx.params.get("max_files", 2)))
        base = fetch.url if fetch.url.endswith("/") else fetch.url + "/"
        return Parsed(follow=[Fetch(base + href.rsplit("/", 1)[-1], step="xml", conditional=True)
                              for href in files], listed=0)
    documents, errors = parse_parlparse(body, source=ctx.source, fetched_at=ctx.fetched_at)
    return Parsed(documents=documents, errors=errors, listed=len(documents) + len(errors))


def _text(element: etree._Element) -> str:
    inner = "".join(etree.tostring(child, encoding="unicode", with_tail=True)
                    for child in element)
    return html_to_text(inner or (element.text or ""))


def _heading(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _when(gid_date: str, clock: str) -> datetime:
    day = datetime.fromisoformat(gid_date)
    try:
        at = time.fromisoformat(clock) if clock else time(0, 0)
    except ValueError:
        at = time(0, 0)
    return datetime.combine(day.date(), at, tzinfo=LONDON)


class _Sitting:
    def __init__(self, source: str, fetched_at: datetime) -> None:
        self.source, self.fetched_at = source, fetched_at
        self.major = self.minor = ""
        self.documents: list[Document] = []
        self.errors: list[tuple[str, str]] = []
        self.questions: list[etree._Element] = []
        self.replies: list[etree._Element] = []

    def record(self, first: etree._Element, people: list[str], text: str, *,
               extra: dict[str, str], source_type: str) -> None:
        gid = first.get("id", "")
        match = _GID.match(gid)
        if not match or match.group(1) not in SECTIONS:
            self.errors.append((gid or "(no id)", f"ParlParse: unrecognised id {gid!r}"))
            return
        kind_key, day, version, rest = match.groups()
        section, kind, house = SECTIONS[kind_key]
        heading = self.minor or self.major or "Untitled"
        speakers = ", ".join(p for p in people if p)
        title = f"{heading}: {speakers}" if speakers and kind is DocumentKind.DEBATE else heading
        metadata = {"house": house, "heading": self.major, "subheading": self.minor,
                    "hansard_url": first.get("url", ""), "column": first.get("colnum", ""),
                    **extra}
        if first.get("party"):
            metadata["party"] = first.get("party", "")
        try:
            self.documents.append(Document(
                source=self.source, kind=kind,
                url=f"{TWFY}/{section}/?id={day}{version}.{rest}",
                title=title[:300], summary=text[:300], body_text=text,
                published_at=_when(day, first.get("time", "")), fetched_at=self.fetched_at,
                organisations=[self.major] if kind is not DocumentKind.DEBATE and self.major
                else [],
                people=list(dict.fromkeys(p for p in people if p)),
                tags=[t for t in (self.major, self.minor) if t], source_type=source_type,
                metadata={k: v for k, v in metadata.items() if v},
                parser_version=PARSER_VERSION))
        except ValueError as error:
            self.errors.append((gid, f"ParlParse {gid}: not a valid Document: {error}"[:500]))

    def flush_question(self) -> None:
        if not self.questions:
            return
        askers = [q.get("speakername", "") for q in self.questions]
        answerers = [r.get("speakername", "") for r in self.replies]
        asked = "\n\n".join(_text(q) for q in self.questions)
        text = "\n\n".join([asked, *(_text(r) for r in self.replies)])
        extra = {"asked_by": ", ".join(a for a in askers if a),
                 "answered_by": ", ".join(a for a in answerers if a),
                 "answered": "yes" if self.replies else "no",
                 # speaker id=name of each asker and answerer, and where the answer starts
                 "asker_refs": _refs(self.questions), "answerer_refs": _refs(self.replies),
                 "question_chars": str(len(asked))}
        self.record(self.questions[0], [*askers, *answerers], text, extra=extra,
                    source_type="question")
        self.questions, self.replies = [], []


def _refs(elements: list[etree._Element]) -> str:
    return "|".join(f"{e.get('speakerid', '')}={e.get('speakername', '')}" for e in elements)


def parse_parlparse(raw: bytes, *, source: str,
                    fetched_at: datetime) -> tuple[list[Document], list[tuple[str, str]]]:
    """Every speech and question/answer of one ParlParse file, and the items it could not read."""
    parser = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False,
                             recover=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"ParlParse XML: not well-formed: {error}") from error
    if root is None or root.tag != "publicwhip":
        raise ParseError("ParlParse XML: root element is not <publicwhip>")
    sitting = _Sitting(source, fetched_at)
    for element in root:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("major-heading", "minor-heading"):
            sitting.flush_question()
            if tag == "major-heading":
                sitting.major, sitting.minor = _heading(element), ""
            else:
                sitting.minor = _heading(element)
        elif tag == "ques":
            if sitting.replies:
                sitting.flush_question()
            sitting.questions.append(element)
        elif tag == "reply":
            sitting.replies.append(element)
        elif tag == "speech":
            sitting.flush_question()
            text = _text(element)
            if text:
                sitting.record(element, [element.get("speakername", "")], text,
                               extra={"speaker_id": element.get("speakerid", "")},
                               source_type="speech")
    sitting.flush_question()
    return sitting.documents, sitting.errors
