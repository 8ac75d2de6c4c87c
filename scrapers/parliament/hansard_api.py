"""Hansard API: recent debates (search/debates.json) and each debate's contributions.

Live: https://hansard-api.parliament.uk. The search lists debate sections of recent sittings
(from the watermark, or `lookback_days` on a first run), newest first, paged by skip/take; each
section's /debates/debate/<ExtId>.json gives its contributions. One record per debate section:
its speakers are the record's people and its contributions the body.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.jsonbody import as_list, load_json_object, text
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind
from warehouse.text import html_to_text

PARSER_VERSION = "hansard-api/1"
HANSARD = "https://hansard.parliament.uk"
PAGE = 50


def debate_url(house: str, sitting: str, ext_id: str) -> str:
    return f"{HANSARD}/{house or 'Commons'}/{sitting[:10]}/debates/{ext_id}/details"


def _search(ctx: Context, skip: int) -> Fetch:
    first = ctx.since or (ctx.fetched_at.date() - timedelta(days=int(
        ctx.params.get("lookback_days", 7))))
    query = urlencode({"queryParameters.startDate": first.isoformat(),
                       "queryParameters.endDate": ctx.fetched_at.date().isoformat(),
                       "queryParameters.orderBy": "SittingDateDesc",
                       "queryParameters.take": PAGE, "queryParameters.skip": skip})
    return Fetch(live_url(ctx.base_url, f"search/debates.json?{query}"), step="search",
                 conditional=skip == 0, data={"skip": skip})


def start(ctx: Context) -> list[Fetch]:
    return [_search(ctx, 0)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    data = load_json_object(body, f"Hansard {fetch.step}")
    if fetch.step == "debate":
        return Parsed(documents=[parse_debate(data, source=ctx.source,
                                              fetched_at=ctx.fetched_at)], listed=0)
    results = as_list(data.get("Results"), "Hansard search: Results")
    follow = []
    errors = []
    for hit in results:
        ext_id = text(hit.get("DebateSectionExtId")) if isinstance(hit, dict) else ""
        if not re.fullmatch(r"[A-Za-z0-9-]+", ext_id):
            errors.append((fetch.url, f"Hansard search: result without an ExtId: {hit!r}"[:300]))
            continue
        follow.append(Fetch(live_url(ctx.base_url, f"debates/debate/{ext_id}.json"),
                            step="debate", canonical=debate_url(
                                text(hit.get("House")), text(hit.get("SittingDate")), ext_id)))
    skip = int(fetch.data.get("skip", 0)) + len(results)
    total = data.get("TotalResultCount")
    if results and isinstance(total, int) and skip < min(total, ctx.max_items):
        follow.append(_search(ctx, skip))
    return Parsed(follow=follow, errors=errors, listed=len(results))


def parse_debate(data: dict[str, Any], *, source: str, fetched_at: Any) -> Document:
    overview = data.get("Overview")
    if not isinstance(overview, dict) or not text(overview.get("ExtId")):
        raise ParseError("Hansard debate: missing Overview.ExtId")
    title = text(overview.get("Title"))
    if not title:
        raise ParseError(f"Hansard debate {overview.get('ExtId')}: missing title")
    speakers: list[str] = []
    paragraphs: list[str] = []
    refs: dict[str, str] = {}  # AttributedTo -> member id, in order of first contribution
    for item in data.get("Items") or []:
        if not isinstance(item, dict):
            continue
        said = html_to_text(text(item.get("Value")))
        who = text(item.get("AttributedTo"))
        if who and item.get("ItemType") == "Contribution":
            speakers.append(re.sub(r"\s*\(.*$", "", who))
            refs.setdefault(who.replace("|", "/"), text(item.get("MemberId")))
        if said:
            paragraphs.append(f"{who}: {said}" if who else said)
    sitting = text(overview.get("Date"))
    house = text(overview.get("House"))
    return Document(
        source=source, kind=DocumentKind.DEBATE,
        url=debate_url(house, sitting, text(overview.get("ExtId"))),
        title=title, summary=paragraphs[0][:300] if paragraphs else "",
        body_text="\n\n".join(paragraphs),
        published_at=parse_timestamp(sitting) if sitting else None,
        updated_at=parse_timestamp(text(overview.get("ContentLastUpdated"))),
        fetched_at=fetched_at, people=list(dict.fromkeys(speakers)),
        tags=[t for t in (text(overview.get("HRSTag")), text(overview.get("Location"))) if t],
        source_type=text(overview.get("HRSTag")) or "debate",
        metadata={k: v for k, v in {"house": house, "location": text(overview.get("Location")),
                                    "heading": title, "ext_id": text(overview.get("ExtId")),
                                    # member id=AttributedTo of each speaker
                                    "speaker_refs": "|".join(f"{i}={w}" for w, i in refs.items())}
                  .items() if v},
        parser_version=PARSER_VERSION)


