"""GOV.UK Atom feeds (organisation and finder feeds) -> entries pointing at Content API pages. Pure.

Organisation feeds title entries "<display_type>: <title>" and give each revision its own id
(`https://www.gov.uk<path>#<timestamp>`); finder feeds use `tag:www.gov.uk,2005:<path>`. Either
way the page is the entry's link, so an entry is keyed by its base path, the same page (and the
same document id) as the Search API record of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from scrapers.feeds import FeedEntry, parse_feed

GOVUK_HOST = "www.gov.uk"


@dataclass(frozen=True)
class AtomPage:
    base_path: str
    title: str
    summary: str
    updated: datetime | None
    display_type: str


def _title(entry: FeedEntry) -> str:
    """Organisation feeds prefix the display type ("Press release: ..."); drop it."""
    for category in entry.categories:
        prefix = f"{category}: "
        if entry.title.lower().startswith(prefix.lower()):
            return entry.title[len(prefix):].strip()
    return entry.title


def parse_atom_pages(raw: bytes) -> tuple[list[AtomPage], list[tuple[str, str]]]:
    """The GOV.UK pages a feed lists, and the entries it could not use (with reasons)."""
    feed = parse_feed(raw, "GOV.UK Atom feed")
    pages: list[AtomPage] = []
    errors: list[tuple[str, str]] = []
    for entry in feed.entries:
        parts = urlsplit(entry.link)
        if parts.netloc.lower() != GOVUK_HOST or not parts.path.startswith("/"):
            errors.append((entry.link or entry.id, "Atom entry does not link to a www.gov.uk page"))
            continue
        pages.append(AtomPage(base_path=parts.path.rstrip("/") or "/", title=_title(entry),
                              summary=entry.summary, updated=entry.updated,
                              display_type=entry.categories[0] if entry.categories else ""))
    return pages, errors
