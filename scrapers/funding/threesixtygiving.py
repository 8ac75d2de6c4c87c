"""360Giving grants: the registry of publishers' files, then each JSON file's grants.

Live: https://data.threesixtygiving.org/data.json lists every publisher's dataset with its
`distribution[].downloadURL` and `modified` date. A run reads the JSON files of the configured
publishers (`publishers:` prefixes or names; all when empty), newest first, at most `max_files`.
Files in other formats (xlsx, csv) are skipped and counted. One record per grant; its address is
the grant's GrantNav page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.jsonbody import as_list, load_json_any, text
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind, FundingFacts

PARSER_VERSION = "360giving/1"
GRANTNAV = "https://grantnav.threesixtygiving.org/grant"


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, "data.json"), step="registry", conditional=True)]


def _wanted(dataset: dict[str, Any], publishers: list[str]) -> bool:
    publisher = dataset.get("publisher") if isinstance(dataset.get("publisher"), dict) else {}
    names = {text(publisher.get("prefix")).lower(), text(publisher.get("name")).lower()}
    return not publishers or bool(names & {p.lower() for p in publishers})


def parse_registry(data: Any, publishers: list[str], max_files: int) -> tuple[list[str], int]:
    """JSON download URLs of the wanted datasets (newest first) and how many were skipped."""
    datasets = [d for d in as_list(data, "360Giving registry") if isinstance(d, dict)]
    chosen = sorted((d for d in datasets if _wanted(d, publishers)),
                    key=lambda d: text(d.get("modified")), reverse=True)
    urls, skipped = [], 0
    for dataset in chosen:
        for distribution in dataset.get("distribution") or []:
            url = text((distribution or {}).get("downloadURL"))
            if url.lower().split("?")[0].endswith(".json") and len(urls) < max_files:
                urls.append(url)
            else:
                skipped += 1
    return urls, skipped


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    data = load_json_any(body, f"360Giving {fetch.step}")
    if fetch.step == "registry":
        urls, _ = parse_registry(data, ctx.param_list("publishers"),
                                 int(ctx.params.get("max_files", 5)))
        return Parsed(follow=[Fetch(u, step="grants", conditional=True) for u in urls])
    grants = as_list(data.get("grants") if isinstance(data, dict) else None, "360Giving: grants")
    parsed = Parsed(listed=len(grants))
    for grant in grants:
        try:
            parsed.documents.append(parse_grant(grant, source=ctx.source,
                                                fetched_at=ctx.fetched_at))
        except (ParseError, ValueError) as error:
            parsed.errors.append((fetch.url, str(getattr(error, "reason", error))[:300]))
    return parsed


def _first_name(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return text(value[0].get("name"))
    return ""


def parse_grant(grant: Any, *, source: str, fetched_at: datetime) -> Document:
    if not isinstance(grant, dict) or not text(grant.get("id")):
        raise ParseError("360Giving grant without an id")
    funder = _first_name(grant.get("fundingOrganization"))
    recipient = _first_name(grant.get("recipientOrganization"))
    amount = grant.get("amountAwarded")
    gbp = float(amount) if isinstance(amount, int | float) and amount >= 0 and grant.get(
        "currency", "GBP") == "GBP" else None
    places = [text(p.get("name")) for p in grant.get("beneficiaryLocation") or []
              if isinstance(p, dict)]
    extra = grant.get("additional_data") if isinstance(grant.get("additional_data"), dict) else {}
    places += [text(extra.get(k)) for k in ("recipientDistrictName", "recipientRegionName")]
    programme = ", ".join(text(p.get("title")) for p in grant.get("grantProgramme") or []
                          if isinstance(p, dict) and p.get("title"))
    title = text(grant.get("title")) or f"Grant to {recipient or 'unnamed recipient'}"
    metadata = {"grant_id": text(grant["id"]), "funder": funder, "recipient": recipient,
                "programme": programme, "currency": text(grant.get("currency")),
                "amount_awarded": str(amount) if amount is not None else ""}
    return Document(
        source=source, kind=DocumentKind.GRANT, url=f"{GRANTNAV}/{text(grant['id'])}",
        title=title if recipient in title or not recipient else f"{title} ({recipient})",
        summary=text(grant.get("description"))[:1000], body_text=text(grant.get("description")),
        published_at=parse_timestamp(grant.get("awardDate")),
        updated_at=parse_timestamp(grant.get("dateModified")), fetched_at=fetched_at,
        organisations=[o for o in (funder, recipient) if o],
        tags=[text(c.get("title")) for c in grant.get("classifications") or []
              if isinstance(c, dict) and c.get("title")],
        source_type="grant",
        funding=FundingFacts(funder=funder, total_amount_gbp=gbp,
                             place_restrictions=list(dict.fromkeys(p for p in places if p))),
        metadata={k: v for k, v in metadata.items() if v}, parser_version=PARSER_VERSION)
