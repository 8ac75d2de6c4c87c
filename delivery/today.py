"""The top of the digest and its limit: "Today in brief", the hard cap on items and the link to
the search page for the rest (docs/digest.md). Pure."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict

from delivery.items import DigestItem
from delivery.text import clip
from warehouse.config.profiles import Profile

if TYPE_CHECKING:
    from delivery.digest import DigestSection

BRIEF_SECTIONS = ("actions", "threats", "funding", "opportunities")


class BriefLine(BaseModel):
    """One plain line of "Today in brief": what it is and what to do, linking to the item."""

    model_config = ConfigDict(frozen=True)

    text: str
    url: str


def hard_cap(sections: list[DigestSection], limit: int) -> tuple[list[DigestSection], int]:
    """At most `limit` items in all, in section order; returns the kept sections and the rest."""
    kept: list[DigestSection] = []
    room, dropped = limit, 0
    for section in sections:
        groups = []
        for group in section.groups:
            take = group.items[:max(0, room)]
            room -= len(take)
            dropped += len(group.items) - len(take) + group.more
            if take:
                more = group.more + len(group.items) - len(take)
                groups.append(group.model_copy(update={"items": take, "more": more}))
        if groups:
            kept.append(section.model_copy(update={"groups": groups}))
    return kept, dropped


def search_link(profile: Profile, start: date, end: date) -> str:
    """The search page filtered to the digest's window, for everything past the cap."""
    query = urlencode({"profile": profile.id, "date_from": start.isoformat(),
                       "date_to": end.isoformat()})
    return f"{profile.digest.search_url.rstrip('/')}/?{query}"


def short_title(title: str, limit: int = 72) -> str:
    """A title cut at a word, for one line of the brief."""
    title = clip(title, 300)
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(":,;–-") + "…"


def brief_line(key: str, item: DigestItem) -> str:
    """One plain line: the item, then what it means or what to do by when."""
    title = short_title(item.title)
    due = f"{item.closes_at:%-d %b}" if item.closes_at else ""
    what = item.kind in ("consultation", "call for evidence")
    reason = "".join(part.text for part in item.reason).split(":", 1)
    detail = reason[1].split(";")[0].strip().rstrip(".") if len(reason) > 1 else ""
    if key == "actions":
        verb = "respond by" if what else "apply by"
        return f"{title} — {detail + '; ' if detail else ''}{verb} {due}"
    if key == "funding":
        money = item.funding.split(" · ")[0] if item.funding else ""
        return f"{title}" + (f" — {money}" if money else "") + (f"; closes {due}" if due else "")
    return f"{title}" + (f" — {detail}" if detail else "")


def build_brief(sections: list[DigestSection], count: int) -> list[BriefLine]:
    """The day's few most important items: actions due soonest, then threats, funding and
    opportunities by rank; one line each."""
    picked: list[tuple[tuple, str, DigestItem]] = []
    for section in sections:
        if section.key not in BRIEF_SECTIONS:
            continue
        order = BRIEF_SECTIONS.index(section.key)
        for group in section.groups:
            for item in group.items:
                urgent = section.key == "actions"  # every deadline due leads the brief
                soon = item.days_left if urgent else 0
                picked.append(((0 if urgent else 1, soon, -item.score, order), section.key,
                               item))
    picked.sort(key=lambda p: (p[0], p[2].title))
    return [BriefLine(text=brief_line(key, item), url=item.url)
            for _, key, item in picked[:count]]
