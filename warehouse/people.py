"""The region's MPs and peers as records (issue 16): people, their contributions, and the saves.

A profile's people are rebuilt as a whole from the stored documents (flows/tasks/people.py), so
`replace_people` deletes the profile's rows and inserts the new ones in one transaction: running
it twice with the same input leaves the same rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import duckdb
from pydantic import BaseModel, Field

from warehouse.queries.rows import SELECT_DOCUMENT, document_from_row
from warehouse.records import Document


class Role(StrEnum):
    SPEAKER = "speaker"
    ASKER = "asker"
    ANSWERER = "answerer"
    SPONSOR = "sponsor"


class Activity(StrEnum):
    SPEECH = "speech"
    QUESTION = "question"
    ANSWER = "answer"
    STATEMENT = "statement"
    BILL = "bill"


class Direction(StrEnum):
    SUPPORTIVE = "supportive"
    CRITICAL = "critical"
    NEUTRAL = "neutral"


class Person(BaseModel):
    person_id: str = Field(min_length=1)
    parliament_id: int | None = None  # Parliament (MNIS) member id
    twfy_id: str = ""  # ParlParse speaker id, e.g. member/1472
    name: str = ""  # '' when the sources gave only a title
    party: str = ""
    constituency: str = ""
    peerage: str = ""
    house: str = ""
    in_region: bool = False
    ministerial_role: str = ""
    aliases: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """How to show the person: their name, else their title, else their seat."""
        return self.name or self.ministerial_role or (self.aliases[0] if self.aliases else "") \
            or (f"MP for {self.constituency}" if self.constituency else self.person_id)


class Contribution(BaseModel):
    document_id: uuid.UUID
    person_id: str
    role: Role
    activity: Activity
    published_at: datetime | None = None
    themes: list[str] = Field(default_factory=list)
    direction: Direction = Direction.NEUTRAL
    direction_sentence: str = ""
    text: str = ""


_PEOPLE = ("person_id", "parliament_id", "twfy_id", "name", "party", "constituency", "peerage",
           "house", "in_region", "ministerial_role", "aliases")
_CONTRIBUTIONS = ("document_id", "person_id", "role", "activity", "published_at", "themes",
                  "direction", "direction_sentence", "text")


def replace_people(con: duckdb.DuckDBPyConnection, profile: str, people: Iterable[Person],
                   contributions: Iterable[Contribution]) -> tuple[int, int]:
    """Replace a profile's people and contributions; returns (people, contributions) saved."""
    people_rows = {p.person_id: [profile, *(getattr(p, c) for c in _PEOPLE)] for p in people}
    contribution_rows = {}
    for c in contributions:
        values = c.model_dump()
        contribution_rows[(c.document_id, c.person_id, c.role)] = [
            profile, *(str(values[k]) if k in ("role", "activity", "direction") else values[k]
                       for k in _CONTRIBUTIONS)]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM contributions WHERE profile = ?", [profile])
        con.execute("DELETE FROM people WHERE profile = ?", [profile])
        if people_rows:
            con.executemany(f"INSERT INTO people (profile, {', '.join(_PEOPLE)}) VALUES "
                            f"({', '.join('?' * (len(_PEOPLE) + 1))})", list(people_rows.values()))
        if contribution_rows:
            con.executemany(
                f"INSERT INTO contributions (profile, {', '.join(_CONTRIBUTIONS)}) VALUES "
                f"({', '.join('?' * (len(_CONTRIBUTIONS) + 1))})",
                list(contribution_rows.values()))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(people_rows), len(contribution_rows)


def load_people(con: duckdb.DuckDBPyConnection, profile: str) -> list[Person]:
    rows = con.execute(f"SELECT {', '.join(_PEOPLE)} FROM people WHERE profile = ?"
                       " ORDER BY in_region DESC, name, person_id", [profile]).fetchall()
    return [Person(**dict(zip(_PEOPLE, row, strict=True))) for row in rows]


def load_contributions(con: duckdb.DuckDBPyConnection, profile: str,
                       person_id: str | None = None,
                       since: datetime | None = None) -> list[Contribution]:
    sql = f"SELECT {', '.join(_CONTRIBUTIONS)} FROM contributions WHERE profile = ?"
    params: list[object] = [profile]
    if person_id is not None:
        sql += " AND person_id = ?"
        params.append(person_id)
    if since is not None:
        sql += " AND published_at >= ?"
        params.append(since)
    rows = con.execute(sql + " ORDER BY published_at DESC NULLS LAST, document_id",
                       params).fetchall()
    return [Contribution(**dict(zip(_CONTRIBUTIONS, row, strict=True))) for row in rows]


_PARLIAMENT_PARSERS = ("parlparse/", "written-questions/", "hansard-api/")


def parliament_documents(con: duckdb.DuckDBPyConnection) -> list[Document]:
    """Every stored document whose parser keeps speaker references."""
    where = " OR ".join("parser_version LIKE ?" for _ in _PARLIAMENT_PARSERS)
    rows = con.execute(f"{SELECT_DOCUMENT} WHERE {where} ORDER BY id",
                       [f"{p}%" for p in _PARLIAMENT_PARSERS]).fetchall()
    return [document_from_row(row) for row in rows]


def document_themes(con: duckdb.DuckDBPyConnection, profile: str) -> dict[uuid.UUID, list[str]]:
    rows = con.execute("SELECT document_id, list(theme ORDER BY score DESC) FROM theme_scores"
                       " WHERE profile = ? AND above_threshold GROUP BY document_id",
                       [profile]).fetchall()
    return {row[0]: list(row[1]) for row in rows}
