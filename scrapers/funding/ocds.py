"""OCDS releases (Contracts Finder, Find a Tender) -> tender records. Pure; one shared parser.

Accepts a release package ({"releases": [...]}), a record package ({"records": [{compiledRelease}]})
or a single release. The record's address is the notice's page (from the release's notice
document, else built from the release id), so each notice is one record and a later release of the
same notice (an amendment) updates it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.jsonbody import text
from warehouse.records import ApplicantType, Document, DocumentKind, FundingFacts
from warehouse.text import html_to_text

_NOTICE_ID = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+$")
_FTS_NOTICE = re.compile(r"(\d{6}-\d{4})$")
_NOTICE_TYPES = ("tenderNotice", "awardNotice", "contractNotice", "plannedProcurementNotice")


def releases_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The releases a body holds, whichever OCDS container it is (a record gives its compiled
    release, not the copies of releases it embeds)."""
    if isinstance(data.get("compiledRelease"), dict):
        return [data["compiledRelease"]]
    if isinstance(data.get("releases"), list):
        return [r for r in data["releases"] if isinstance(r, dict)]
    if isinstance(data.get("records"), list):
        return [r["compiledRelease"] for r in data["records"]
                if isinstance(r, dict) and isinstance(r.get("compiledRelease"), dict)]
    if data.get("ocid") and data.get("tag"):
        return [data]
    raise ParseError("OCDS: neither a release package, a record package nor a release")


def _gbp(value: Any) -> float | None:
    if isinstance(value, dict) and isinstance(value.get("amount"), int | float) and (
            value.get("currency") in (None, "GBP")) and value["amount"] >= 0:
        return float(value["amount"])
    return None


def notice_url(release: dict[str, Any], origin: str) -> str:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    documents = [*(tender.get("documents") or []), *(
        (release.get("planning") or {}).get("documents") or [])]
    for document in documents:
        if isinstance(document, dict) and document.get("documentType") in _NOTICE_TYPES and \
                str(document.get("url", "")).startswith(origin):
            return str(document["url"])
    release_id = text(release.get("id"))
    match = _NOTICE_ID.match(release_id) or _FTS_NOTICE.search(release_id)
    return f"{origin}/Notice/{match.group(1) if match else release_id}"


def _buyer(release: dict[str, Any]) -> str:
    buyer = release.get("buyer")
    if isinstance(buyer, dict) and text(buyer.get("name")):
        return text(buyer["name"])
    for party in release.get("parties") or []:
        if isinstance(party, dict) and "buyer" in (party.get("roles") or []):
            return text(party.get("name"))
    return ""


def _places(tender: dict[str, Any]) -> list[str]:
    places = []
    for item in tender.get("items") or []:
        for address in (item or {}).get("deliveryAddresses") or []:
            if isinstance(address, dict):
                places += [text(address.get(k)) for k in ("region", "postalCode")]
    return list(dict.fromkeys(p for p in places if p))


def _applicants(tender: dict[str, Any]) -> list[ApplicantType]:
    suitability = tender.get("suitability") if isinstance(tender.get("suitability"), dict) else {}
    found = [ApplicantType.BUSINESS]
    if suitability.get("vcse"):
        found.append(ApplicantType.CHARITY)
    return found


def parse_release(release: dict[str, Any], *, source: str, fetched_at: datetime,
                  origin: str, parser_version: str) -> Document:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    title = text(tender.get("title")) or text(release.get("title"))
    if not title:
        raise ParseError(f"OCDS release {release.get('id')}: no title")
    tags = [str(t) for t in release.get("tag") or []]
    buyer = _buyer(release)
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
    suppliers = [text(s.get("name")) for a in awards for s in a.get("suppliers") or []
                 if isinstance(s, dict)]
    cpv = [text((c or {}).get("description")) for c in
           [tender.get("classification"), *(tender.get("additionalClassifications") or [])]]
    funding = FundingFacts(
        funder=buyer, total_amount_gbp=_gbp(tender.get("value")),
        min_award_gbp=_gbp(tender.get("minValue")),
        opens_at=parse_timestamp(period.get("startDate")),
        closes_at=parse_timestamp(period.get("endDate")),
        eligible_applicants=_applicants(tender), place_restrictions=_places(tender))
    metadata = {
        "ocid": text(release.get("ocid")), "release_id": text(release.get("id")),
        "stage": tags[0] if tags else "", "buyer": buyer, "status": text(tender.get("status")),
        "procurement_method": text(tender.get("procurementMethodDetails")
                                   or tender.get("procurementMethod")),
        "suppliers": ", ".join(s for s in suppliers if s),
        "award_value_gbp": str(_gbp(awards[0].get("value")) or "") if awards else "",
    }
    return Document(
        source=source, kind=DocumentKind.TENDER, url=notice_url(release, origin), title=title,
        summary=html_to_text(text(tender.get("description")))[:1000],
        body_text=html_to_text(text(tender.get("description"))),
        published_at=parse_timestamp(tender.get("datePublished")) or parse_timestamp(
            release.get("date")),
        updated_at=parse_timestamp(release.get("date")), fetched_at=fetched_at,
        organisations=[buyer] if buyer else [], tags=[c for c in cpv if c],
        source_type=tags[0] if tags else "release",
        opens_at=funding.opens_at, closes_at=funding.closes_at, funding=funding,
        metadata={k: v for k, v in metadata.items() if v}, parser_version=parser_version)


def parse_releases(data: dict[str, Any], *, source: str, fetched_at: datetime, origin: str,
                   parser_version: str) -> tuple[list[Document], list[tuple[str, str]]]:
    """Every release as a record, oldest first (so the newest state of a notice wins a batch)."""
    documents, errors = [], []
    for release in releases_of(data):
        try:
            documents.append(parse_release(release, source=source, fetched_at=fetched_at,
                                           origin=origin, parser_version=parser_version))
        except (ParseError, ValueError) as error:
            errors.append((text(release.get("id")) or "(release)",
                           str(getattr(error, "reason", error))[:500]))
    documents.sort(key=lambda d: (d.updated_at or fetched_at, d.url))
    return documents, errors
