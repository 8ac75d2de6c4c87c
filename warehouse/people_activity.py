"""What each person said on the themes over a window: counts, directions and latest items."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import duckdb
from pydantic import BaseModel, Field

from warehouse.people import (
    Activity,
    Contribution,
    Direction,
    Person,
    load_contributions,
    load_people,
)

OTHER = "other"  # contributions on none of the profile's themes


class ThemeActivity(BaseModel):
    theme: str
    speeches: int = 0
    questions: int = 0
    answers: int = 0
    statements: int = 0
    supportive: int = 0
    critical: int = 0
    neutral: int = 0
    latest: datetime | None = None

    @property
    def total(self) -> int:
        return self.speeches + self.questions + self.answers + self.statements


class PersonActivity(BaseModel):
    person: Person
    total: int = 0
    themes: list[ThemeActivity] = Field(default_factory=list)
    latest: list[Contribution] = Field(default_factory=list)


_COUNTER = {Activity.SPEECH: "speeches", Activity.QUESTION: "questions",
            Activity.ANSWER: "answers", Activity.STATEMENT: "statements"}


def summarise(people: list[Person], contributions: list[Contribution], *,
              theme: str | None = None, since: datetime | None = None,
              region_only: bool = False, latest: int = 3,
              keep_quiet: bool = False) -> list[PersonActivity]:
    """Per person (the region's first, then the most active), per theme: counts and directions.

    A contribution on two themes counts once under each; `total` counts it once.
    """
    by_person: dict[str, list[Contribution]] = defaultdict(list)
    for c in contributions:
        if since is not None and (c.published_at is None or c.published_at < since):
            continue
        if theme is not None and theme not in c.themes:
            continue
        by_person[c.person_id].append(c)
    found = []
    for person in people:
        if region_only and not person.in_region:
            continue
        mine = sorted(by_person.get(person.person_id, []),
                      key=lambda c: (c.published_at is not None,
                                     c.published_at.timestamp() if c.published_at else 0),
                      reverse=True)
        if not mine and not keep_quiet:
            continue
        themes: dict[str, ThemeActivity] = {}
        for c in mine:
            for name in ([theme] if theme else c.themes) or [OTHER]:
                row = themes.setdefault(name, ThemeActivity(theme=name))
                counter = _COUNTER.get(c.activity)
                if counter:
                    setattr(row, counter, getattr(row, counter) + 1)
                direction = str(c.direction if c.direction else Direction.NEUTRAL)
                setattr(row, direction, getattr(row, direction) + 1)
                if c.published_at and (row.latest is None or c.published_at > row.latest):
                    row.latest = c.published_at
        found.append(PersonActivity(
            person=person, total=len(mine),
            themes=sorted(themes.values(), key=lambda t: (-t.total, t.theme)),
            latest=mine[:latest]))
    found.sort(key=lambda a: (not a.person.in_region, -a.total, a.person.label.lower()))
    return found


def people_activity(con: duckdb.DuckDBPyConnection, profile: str, *, theme: str | None = None,
                    since: datetime | None = None, region_only: bool = False,
                    keep_quiet: bool = False) -> list[PersonActivity]:
    return summarise(load_people(con, profile), load_contributions(con, profile, since=since),
                     theme=theme, region_only=region_only, keep_quiet=keep_quiet)


def find_person(con: duckdb.DuckDBPyConnection, profile: str, ref: str) -> list[Person]:
    """People whose id, Parliament id, ParlParse id, name, alias or seat is `ref` (exact first,
    then a case-insensitive part of the name or seat)."""
    people = load_people(con, profile)
    wanted = ref.strip().lower()
    exact = [p for p in people if wanted in {
        p.person_id.lower(), str(p.parliament_id or ""), p.twfy_id.lower(), p.name.lower(),
        p.constituency.lower(), *(a.lower() for a in p.aliases)}]
    if exact or not wanted:
        return exact
    return [p for p in people if wanted in p.name.lower() or wanted in p.constituency.lower()]


class ItemRef(BaseModel):
    title: str
    url: str
    kind: str


def documents_of(con: duckdb.DuckDBPyConnection, contributions: list[Contribution]
                 ) -> dict[object, ItemRef]:
    ids = sorted({c.document_id for c in contributions})
    if not ids:
        return {}
    rows = con.execute("SELECT id, title, url, kind FROM documents WHERE list_contains(?, id)",
                       [ids]).fetchall()
    return {row[0]: ItemRef(title=row[1], url=row[2], kind=row[3]) for row in rows}


class TopicMatch(BaseModel):
    person: Person
    on_topic: int  # contributions at least `floor` similar to the topic
    best: float  # the most similar contribution's similarity
    contributions: int


def most_active_on(con: duckdb.DuckDBPyConnection, profile: str, vector: list[float], *,
                   floor: float, limit: int = 10) -> list[TopicMatch]:
    """People by how many of their contributions are close to the topic (the region's first).

    A contribution's similarity is its document's best chunk (cosine, vectors L2-normalised).
    """
    dim = len(vector)
    rows = con.execute(
        "WITH sims AS (SELECT e.document_id, max(array_cosine_similarity("
        f"e.vector, ?::FLOAT[{dim}])) AS sim FROM chunk_embeddings e"
        " WHERE e.document_id IN (SELECT document_id FROM contributions WHERE profile = ?)"
        " GROUP BY e.document_id)"
        " SELECT c.person_id, count(*) FILTER (WHERE s.sim >= ?), max(s.sim), count(*)"
        " FROM contributions c JOIN sims s USING (document_id) WHERE c.profile = ?"
        " GROUP BY c.person_id", [vector, profile, floor, profile]).fetchall()
    people = {p.person_id: p for p in load_people(con, profile)}
    found = [TopicMatch(person=people[r[0]], on_topic=r[1], best=float(r[2]), contributions=r[3])
             for r in rows if r[0] in people and r[1] > 0]
    found.sort(key=lambda m: (not m.person.in_region, -m.on_topic, -m.best))
    return found[:limit]


def region_contributors(con: duckdb.DuckDBPyConnection, profile: str,
                        document_ids: list) -> dict[object, list[Person]]:
    """For each of these documents, the region's MPs and peers who took part in it (for a
    briefing's "In Parliament" part, which puts them first)."""
    if not document_ids:
        return {}
    people = {p.person_id: p for p in load_people(con, profile) if p.in_region}
    rows = con.execute("SELECT document_id, person_id FROM contributions WHERE profile = ?"
                       " AND list_contains(?, document_id) ORDER BY document_id, person_id",
                       [profile, list(document_ids)]).fetchall()
    found: dict[object, list[Person]] = {}
    for document_id, person_id in rows:
        if person_id in people and people[person_id] not in found.get(document_id, []):
            found.setdefault(document_id, []).append(people[person_id])
    return found
