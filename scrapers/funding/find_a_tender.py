"""Find a Tender OCDS release packages: notices updated since the watermark, paged by cursor.

Live: https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?updatedFrom=...&
stages=tender&limit=100; the next page is the package's links.next. Same parser as Contracts Finder.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from scrapers.funding.ocds import parse_releases
from scrapers.govuk.parse import load_json_object
from scrapers.plan import Context, Fetch, Parsed, live_url

PARSER_VERSION = "ocds-find-a-tender/1"
ORIGIN = "https://www.find-tender.service.gov.uk"


def start(ctx: Context) -> list[Fetch]:
    first = ctx.since or (ctx.fetched_at.date() - timedelta(
        days=int(ctx.params.get("lookback_days", 7))))
    query = urlencode({"updatedFrom": f"{first.isoformat()}T00:00:00",
                       "stages": ",".join(ctx.param_list("stages") or ["tender"]),
                       "limit": 100})
    return [Fetch(live_url(ctx.base_url, f"api/1.0/ocdsReleasePackages?{query}"),
                  conditional=True)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    data = load_json_object(body, "OCDS release package")
    documents, errors = parse_releases(data, source=ctx.source, fetched_at=ctx.fetched_at,
                                       origin=ORIGIN, parser_version=PARSER_VERSION)
    parsed = Parsed(documents=documents, errors=errors, listed=len(documents) + len(errors))
    following = (data.get("links") or {}).get("next") if isinstance(data.get("links"),
                                                                     dict) else None
    if isinstance(following, str) and following.startswith("http") and documents:
        parsed.follow.append(Fetch(following))
    return parsed
