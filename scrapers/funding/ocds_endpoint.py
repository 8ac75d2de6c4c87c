"""One OCDS search endpoint (Contracts Finder, Find a Tender): what to ask for and how to page.

The publishers differ only in host, path and the name of the date parameter; the request plan and
the paging by the package's links.next are shared here, the parsing in scrapers/funding/ocds.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from scrapers.funding.ocds import parse_releases
from scrapers.jsonbody import load_json_object
from scrapers.plan import Context, Fetch, Parsed, live_url


@dataclass(frozen=True)
class OcdsEndpoint:
    origin: str
    path: str
    date_param: str  # publishedFrom (Contracts Finder) or updatedFrom (Find a Tender)
    parser_version: str

    def start(self, ctx: Context) -> list[Fetch]:
        first = ctx.since or (ctx.fetched_at.date() - timedelta(
            days=int(ctx.params.get("lookback_days", 7))))
        query = urlencode({self.date_param: f"{first.isoformat()}T00:00:00",
                           "stages": ",".join(ctx.param_list("stages") or ["tender"]),
                           "limit": 100})
        return [Fetch(live_url(ctx.base_url, f"{self.path}?{query}"), conditional=True)]

    def parse(self, fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
        data = load_json_object(body, "OCDS release package")
        documents, errors = parse_releases(data, source=ctx.source, fetched_at=ctx.fetched_at,
                                           origin=self.origin, parser_version=self.parser_version)
        parsed = Parsed(documents=documents, errors=errors, listed=len(documents) + len(errors))
        links = data.get("links")
        following = links.get("next") if isinstance(links, dict) else None
        if isinstance(following, str) and following.startswith("http") and documents:
            parsed.follow.append(Fetch(following))
        return parsed
