"""Find a Grant: the grants listing, then each advert (/grants/<label>).

Live: https://www.find-government-grants.service.gov.uk/grants. An advert page is rendered from
the Contentful `grantDetails` entry (fields per funding/SOURCES.md: grantName, grantFunder,
grantApplicationOpenDate, grantApplicationCloseDate, grantTotalAwardAmount, grantMinimumAward,
grantMaximumAward, grantApplicantType, grantLocation ...), which the page carries in its
`__NEXT_DATA__` script; the visible summary list is the fallback.
"""

from __future__ import annotations

import json
import re
from typing import Any

from scrapers.dates import parse_timestamp
from scrapers.funding.call_listing import CallListing
from scrapers.pages import applicant_types, html_root
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind, FundingFacts
from warehouse.text import html_to_text

PARSER_VERSION = "find-a-grant/1"
ORIGIN = "https://www.find-government-grants.service.gov.uk"
LISTING = CallListing(origin=ORIGIN, call_path=re.compile(r"^/grants/[a-z0-9][a-z0-9-]*$"),
                      listing_step="listing", call_step="advert", parser_version=PARSER_VERSION)


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, "grants"), step="listing", conditional=True)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    root = html_root(body, f"Find a Grant {fetch.step}")
    if fetch.step != "advert":
        return LISTING.parse_listing(root, fetch)
    fields = _grant_fields(root)
    if fields:
        return Parsed(documents=[advert_document(fields, url=fetch.canonical, source=ctx.source,
                                                 fetched_at=ctx.fetched_at)])
    return LISTING.parse_call_page(root, fetch, ctx)


def _find_fields(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        if "grantName" in value:
            return value
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _find_fields(child)
        if found:
            return found
    return None


def _grant_fields(root: Any) -> dict[str, Any] | None:
    scripts = root.xpath("//script[@id='__NEXT_DATA__']/text()")
    if not scripts:
        return None
    try:
        return _find_fields(json.loads(str(scripts[0])))
    except json.JSONDecodeError:
        return None


def rich_text(value: Any) -> str:
    """Contentful rich text (nested nodes with `value` leaves), or a string, as plain text."""
    if isinstance(value, str):
        return html_to_text(value)
    if isinstance(value, dict):
        if value.get("nodeType") == "text":
            return str(value.get("value", ""))
        inner = " ".join(rich_text(c) for c in value.get("content") or [])
        block = value.get("nodeType") in ("paragraph", "heading-2", "heading-3", "list-item")
        return inner + ("\n\n" if block else "")
    if isinstance(value, list):
        return " ".join(rich_text(v) for v in value)
    return ""


def _amount(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value >= 0 else None


def advert_document(fields: dict[str, Any], *, url: str, source: str, fetched_at: Any) -> Document:
    def text_of(key: str) -> str:
        return " ".join(rich_text(fields.get(key)).split())

    tabs = [(name, rich_text(fields.get(key)).strip()) for name, key in (
        ("Summary", "grantSummaryTab"), ("Eligibility", "grantEligibilityTab"),
        ("Objectives", "grantObjectivesTab"), ("Dates", "grantDatesTab"),
        ("How to apply", "grantApplyTab"))]
    body = "\n\n".join(f"{name}\n\n{text}" for name, text in tabs if text)
    applicants = [str(a) for a in fields.get("grantApplicantType") or []]
    funder = text_of("grantFunder")
    funding = FundingFacts(
        funder=funder, total_amount_gbp=_amount(fields.get("grantTotalAwardAmount")),
        max_award_gbp=_amount(fields.get("grantMaximumAward")),
        min_award_gbp=_amount(fields.get("grantMinimumAward")),
        opens_at=parse_timestamp(fields.get("grantApplicationOpenDate")),
        closes_at=parse_timestamp(fields.get("grantApplicationCloseDate")),
        eligible_applicants=applicant_types(" ".join(applicants)),
        place_restrictions=[str(p) for p in fields.get("grantLocation") or []])
    metadata = {"funder": funder, "applicant_types": ", ".join(applicants),
                "grant_type": ", ".join(str(t) for t in fields.get("grantType") or []),
                "label": str(fields.get("label") or "")}
    return Document(
        source=source, kind=DocumentKind.FUNDING_CALL, url=url, title=text_of("grantName"),
        summary=text_of("grantShortDescription"), body_text=body or text_of(
            "grantShortDescription"),
        updated_at=parse_timestamp(fields.get("grantUpdated")), fetched_at=fetched_at,
        organisations=[funder] if funder else [], tags=[str(t) for t in fields.get(
            "grantType") or []], source_type="grant_advert", opens_at=funding.opens_at,
        closes_at=funding.closes_at, funding=funding,
        metadata={k: v for k, v in metadata.items() if v}, parser_version=PARSER_VERSION)
