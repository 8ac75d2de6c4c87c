"""Reading facts out of HTML pages: summary lists, sections, money and applicant types. Pure.

Shared by the HTML sources (Find a Grant, UKRI, Innovate UK, regional listings).
"""

from __future__ import annotations

import re

from lxml import etree

from scrapers.errors import ParseError
from warehouse.records import ApplicantType
from warehouse.text import html_to_text

_MONEY = re.compile(r"£\s?([\d,]+(?:\.\d+)?)\s*(million|m|billion|bn|k)?\b", re.IGNORECASE)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3}
_APPLICANTS: dict[ApplicantType, tuple[str, ...]] = {
    ApplicantType.COMBINED_AUTHORITY: ("combined authorit", "mayoral strategic authorit",
                                       "mayoral authorit"),
    ApplicantType.LOCAL_AUTHORITY: ("local authorit", "council"),
    ApplicantType.PUBLIC_BODY: ("public sector", "public bod", "nhs"),
    ApplicantType.BUSINESS: ("business", "companies", "company", "sme", "private sector"),
    ApplicantType.CHARITY: ("charit", "voluntary", "community group", "social enterprise",
                            "non-profit", "not-for-profit"),
    ApplicantType.UNIVERSITY: ("universit", "research organisation", "higher education",
                               "research and technology organisation"),
    ApplicantType.PARTNERSHIP: ("partnership", "consorti", "collaborat"),
    ApplicantType.INDIVIDUAL: ("individual",),
}


def html_root(raw: bytes, what: str) -> etree._Element:
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise ParseError(f"{what}: empty response body")
    if not head.startswith(b"<"):
        raise ParseError(f"{what}: expected an HTML page, got {head[:40]!r}")
    root = etree.fromstring(raw, etree.HTMLParser(no_network=True, remove_comments=True))
    if root is None or not root.xpath("//body"):
        raise ParseError(f"{what}: not an HTML page")
    return root


def inner_html(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", method="html")


def element_text(element: etree._Element | None) -> str:
    return html_to_text(inner_html(element)) if element is not None else ""


def summary_pairs(root: etree._Element) -> dict[str, str]:
    """dt/dd pairs (and th/td rows) of a page: lower-cased key without colon -> text."""
    pairs: dict[str, str] = {}
    for dt in root.xpath("//dt"):
        dd = dt.xpath("following-sibling::dd[1]")
        key = " ".join("".join(dt.itertext()).split()).rstrip(":").strip().lower()
        if key and dd and key not in pairs:
            pairs[key] = element_text(dd[0])
    for row in root.xpath("//tr[th and td]"):
        key = " ".join("".join(row.xpath("th")[0].itertext()).split()).rstrip(":").lower()
        pairs.setdefault(key, element_text(row.xpath("td")[0]))
    return pairs


def time_attr(root: etree._Element, label: str) -> str:
    """The datetime attribute of a <time> in the dd after the dt whose text starts with label."""
    for dt in root.xpath("//dt"):
        if " ".join("".join(dt.itertext()).split()).lower().startswith(label.lower()):
            stamps = dt.xpath("following-sibling::dd[1]//time/@datetime")
            return str(stamps[0]) if stamps else ""
    return ""


def sections(root: etree._Element) -> dict[str, str]:
    """h2/h3 heading (lower-cased) -> the text up to the next heading of that level or higher."""
    found: dict[str, str] = {}
    for heading in root.xpath("//h2 | //h3"):
        parts = []
        for sibling in heading.itersiblings():
            if sibling.tag in ("h1", "h2", "h3"):
                break
            parts.append(element_text(sibling))
        key = " ".join("".join(heading.itertext()).split()).lower()
        if key and key not in found:
            found[key] = "\n\n".join(p for p in parts if p)
    return found


def money(text: str) -> list[float]:
    """Every sterling amount written in text, in pounds (£1.2m -> 1200000.0)."""
    amounts = []
    for number, scale in _MONEY.findall(text or ""):
        value = float(number.replace(",", ""))
        amounts.append(value * _SCALE.get(scale.lower(), 1.0) if scale else value)
    return amounts


def applicant_types(text: str) -> list[ApplicantType]:
    lowered = (text or "").lower()
    return [kind for kind, words in _APPLICANTS.items() if any(w in lowered for w in words)]
