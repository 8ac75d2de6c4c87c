"""Bills API: bills by last update, newest first. A bill's stage change updates the same record.

Live: https://bills-api.parliament.uk/api/v1/Bills?SortOrder=DateUpdatedDescending. Paging
stops at the first bill not updated since the watermark (or after `max_pages` on a first run).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.jsonbody import as_list, load_json_object, text
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind

PARSER_VERSION = "bills-api/1"
BILLS = "https://bills.parliament.uk/bills"
PAGE = 50


def _page(ctx: Context, skip: int) -> Fetch:
    query = urlencode({"SortOrder": "DateUpdatedDescending", "Take": PAGE, "Skip": skip})
    return Fetch(live_url(ctx.base_url, f"api/v1/Bills?{query}"), conditional=skip == 0,
                 data={"skip": skip})


def start(ctx: Context) -> list[Fetch]:
    return [_page(ctx, 0)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    data = load_json_object(body, "Bills API")
    items = as_list(data.get("items"), "Bills API: items")
    parsed = Parsed(listed=len(items))
    for item in items:
        try:
            parsed.documents.append(parse_bill(item, source=ctx.source,
                                               fetched_at=ctx.fetched_at))
        except ParseError as error:
            parsed.errors.append((fetch.url, error.reason))
    skip = int(fetch.data.get("skip", 0)) + len(items)
    oldest = min((d.updated_at for d in parsed.documents if d.updated_at), default=None)
    fresh = ctx.since is None or (oldest is not None and oldest.date() >= ctx.since)
    within = skip < int(ctx.params.get("max_pages", 2)) * PAGE or ctx.since is not None
    if items and fresh and within and skip < min(int(data.get("totalResults") or 0),
                                                 ctx.max_items):
        parsed.follow.append(_page(ctx, skip))
    return parsed


def parse_bill(item: Any, *, source: str, fetched_at: datetime) -> Document:
    if not isinstance(item, dict) or not item.get("billId") or not text(item.get("shortTitle")):
        raise ParseError(f"Bills API: item without billId or shortTitle: {str(item)[:200]}")
    stage = item.get("currentStage") if isinstance(item.get("currentStage"), dict) else {}
    sittings = [parse_timestamp(s.get("date")) for s in stage.get("stageSittings") or []
                if isinstance(s, dict)]
    stage_name = text(stage.get("description"))
    stage_house = text(stage.get("house"))
    status = ("Act of Parliament" if item.get("isAct") else "withdrawn"
              if item.get("billWithdrawn") else "defeated" if item.get("isDefeated") else "")
    summary = ", ".join(p for p in (
        f"Current stage: {stage_name}" if stage_name else "",
        f"in the {stage_house}" if stage_house and stage_house != "Unassigned" else "",
        status) if p)
    metadata = {"bill_id": str(item["billId"]), "stage": stage_name, "stage_house": stage_house,
                "current_house": text(item.get("currentHouse")),
                "originating_house": text(item.get("originatingHouse")),
                "status": status, "former_title": text(item.get("formerShortTitle")),
                "session_id": text(item.get("introducedSessionId"))}
    return Document(
        source=source, kind=DocumentKind.BILL, url=f"{BILLS}/{int(item['billId'])}",
        title=text(item["shortTitle"]), summary=summary,
        updated_at=parse_timestamp(item.get("lastUpdate")),
        published_at=min((s for s in sittings if s), default=None), fetched_at=fetched_at,
        tags=[t for t in (stage_name,) if t], source_type="bill",
        withdrawn_at=parse_timestamp(item.get("billWithdrawn")),
        metadata={k: v for k, v in metadata.items() if v}, parser_version=PARSER_VERSION)
