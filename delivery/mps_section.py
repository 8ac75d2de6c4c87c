"""The digest's "Our MPs this week": one line per MP or peer of the region who spoke, asked or
answered in the last seven days, with their themes and, when they took a side, which and the
sentence. Empty (no section) when none did. Read from the people tables (issue 16)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import duckdb
from pydantic import BaseModel

from warehouse.config.profiles import Profile
from warehouse.people import load_contributions, load_people
from warehouse.people_activity import summarise
from warehouse.text import UK

_PLURAL = {"speech": "speeches", "question": "questions", "answer": "answers",
           "statement": "statements"}
_NOUNS = (("speeches", "speech", "speeches"), ("questions", "question", "questions"),
          ("answers", "answer", "answers"), ("statements", "statement", "statements"))


class MpLine(BaseModel):
    person_id: str
    name: str
    where: str  # seat, peerage or role, and party
    did: str  # "2 speeches, 1 question"
    themes: list[str]  # theme names, most active first
    direction: str = ""  # supportive | critical | '' (nothing but neutral)
    sentence: str = ""  # the latest sentence that took that side


def mps_this_week(con: duckdb.DuckDBPyConnection, profile: Profile, day: date, *,
                  days: int = 7, limit: int = 10) -> list[MpLine]:
    start = datetime.combine(day - timedelta(days=days - 1), time(0), tzinfo=UK)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK)
    contributions = [c for c in load_contributions(con, profile.id, since=start)
                     if c.published_at is None or c.published_at < end]
    names = {t.id: t.name for t in profile.themes}
    done: dict[str, Counter] = defaultdict(Counter)
    for c in contributions:
        done[c.person_id][_PLURAL.get(str(c.activity), "")] += 1
    lines = []
    for row in summarise(load_people(con, profile.id), contributions, region_only=True,
                         latest=20)[:limit]:
        counts = done[row.person.person_id]
        did = ", ".join(f"{n} {one if n == 1 else many}" for key, one, many in _NOUNS
                        if (n := counts[key]))
        sided = next((c for c in row.latest if str(c.direction) != "neutral"), None)
        person = row.person
        place = person.ministerial_role or person.peerage or person.constituency
        where = ", ".join(p for p in (place if place not in person.label else "", person.party)
                          if p)
        lines.append(MpLine(
            person_id=person.person_id, name=person.label, where=where, did=did,
            themes=[names.get(t.theme, t.theme) for t in row.themes if t.theme in names],
            direction=str(sided.direction) if sided else "",
            sentence=sided.direction_sentence if sided else ""))
    return lines
