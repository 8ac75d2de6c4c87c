"""Replaying GOV.UK's Atom feeds from a snapshot's Content API items, in the live formats.

- /government/organisations/<slug>.atom: the organisation's newest 20 pages, as collections builds
  it (entry id `https://www.gov.uk<path>#<timestamp>`, title "<Display type>: <title>").
- /search/<finder>.atom: finder-frontend's feed (entry id `tag:www.gov.uk,2005:<path>`), filtered
  by the finder's supergroup and by `organisations[]`, `content_store_document_type[]` and
  `keywords` (words found in title or description).
A snapshot file govuk/feeds/<path>.atom, when present, is served instead of the synthesised feed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from scrapers.replay.govuk import ANY_SUPERGROUP, ReplayItem
from scrapers.replay.reply import Reply

ATOM_TYPE = "application/atom+xml; charset=utf-8"
ORIGIN = "https://www.gov.uk"
FINDERS = {"news-and-communications": "news_and_communications",
           "policy-papers-and-consultations": "policy_and_engagement",
           "research-and-statistics": "research_and_statistics", "all": ANY_SUPERGROUP}
_OPTION_TYPES = {"open_consultations": "open_consultation",
                 "closed_consultations": "closed_consultation"}


def _display(document_type: str) -> str:
    return document_type.replace("_", " ").capitalize() or "Page"


def _stamp(item: ReplayItem) -> str:
    return (item.public_timestamp or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(
        UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(item: ReplayItem, *, organisation_feed: bool) -> str:
    title = str(item.fields.get("title", ""))
    entry_id = f"{ORIGIN}{item.link}#{_stamp(item)}" if organisation_feed else (
        f"tag:www.gov.uk,2005:{item.link}")
    display = _display(item.document_type)
    return (
        f"<entry><id>{escape(entry_id)}</id><updated>{_stamp(item)}</updated>"
        f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(ORIGIN + item.link)}/>"
        f"<title>{escape(f'{display}: {title}' if organisation_feed else title)}</title>"
        + (f"<category label={quoteattr(display)} term={quoteattr(display)}/>"
           if organisation_feed else "")
        + f"<summary type=\"html\">{escape(str(item.fields.get('description', '')))}</summary>"
        "</entry>")


def render_feed(title: str, self_url: str, items: list[ReplayItem], *,
                organisation_feed: bool) -> bytes:
    updated = _stamp(items[0]) if items else "1970-01-01T00:00:00Z"
    entries = "".join(_entry(i, organisation_feed=organisation_feed) for i in items)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">"
            f"<id>{escape(self_url)}</id><link rel=\"self\" type=\"application/atom+xml\""
            f" href={quoteattr(self_url)}/><title>{escape(title)}</title>"
            f"<updated>{updated}</updated><author><name>HM Government</name></author>"
            f"{entries}</feed>").encode()


def _newest(items: list[ReplayItem], count: int = 20) -> list[ReplayItem]:
    floor = datetime.min.replace(tzinfo=UTC)
    dated = [i for i in items if i.public_timestamp and i.status == 200 and i.document_type]
    return sorted(dated, key=lambda i: (i.public_timestamp or floor, i.link), reverse=True)[:count]


def atom_reply(index: dict[str, ReplayItem], feeds_dir: Path, path: str,
               query: dict[str, list[str]]) -> Reply | None:
    """The feed at `path`, or None when `path` is not an Atom feed address."""
    if not path.endswith(".atom"):
        return None
    recorded = feeds_dir / path.lstrip("/")
    if recorded.is_file():
        return 200, ATOM_TYPE, recorded.read_bytes()
    if path.startswith("/government/organisations/"):
        slug = path.removeprefix("/government/organisations/").removesuffix(".atom")
        owner = f"/government/organisations/{slug}"
        items = [i for i in index.values()
                 if any(o.get("base_path") == owner for o in i.fields.get("organisations", []))]
        name = next((o.get("title") for i in items for o in i.fields["organisations"]
                     if o.get("base_path") == owner), slug)
        return 200, ATOM_TYPE, render_feed(f"{name} - Activity on GOV.UK", ORIGIN + path,
                                           _newest(items), organisation_feed=True)
    finder = path.removeprefix("/search/").removesuffix(".atom")
    if not path.startswith("/search/") or finder not in FINDERS:
        return 404, "text/plain; charset=utf-8", b"no such feed\n"
    group = FINDERS[finder]
    orgs = {f"/government/organisations/{o}" for o in query.get("organisations[]", [])}
    types = {_OPTION_TYPES.get(t, t) for t in query.get("content_store_document_type[]", [])}
    words = " ".join(query.get("keywords", [])).lower().replace('"', "").split()
    items = [
        i for i in index.values()
        if (group == ANY_SUPERGROUP or i.supergroup == group)
        and (not orgs or any(o.get("base_path") in orgs for o in i.fields.get("organisations", [])))
        and (not types or i.document_type in types)
        and all(w in f"{i.fields.get('title', '')} {i.fields.get('description', '')}".lower()
                for w in words)]
    return 200, ATOM_TYPE, render_feed(f"GOV.UK: {finder}", ORIGIN + path, _newest(items),
                                       organisation_feed=False)
