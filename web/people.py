"""GET /api/people, /api/people/{id} and the people page (issue 16), from the search replica."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel

from warehouse.people import Person, load_contributions, load_people
from warehouse.people_activity import ThemeActivity, documents_of, summarise
from warehouse.search.engine import IndexNotPublished, Searcher

STATIC = Path(__file__).parent / "static"


class PersonSummary(BaseModel):
    person: Person
    label: str
    total: int
    themes: list[ThemeActivity]


class PeopleResponse(BaseModel):
    profile: str
    people: list[PersonSummary]


class PersonItem(BaseModel):
    document_id: uuid.UUID
    title: str
    url: str
    kind: str
    published_at: datetime | None
    role: str
    activity: str
    themes: list[str]
    direction: str
    direction_sentence: str


class PersonDetail(PersonSummary):
    items: list[PersonItem]


def people_router(searcher: Searcher, default_profile: str) -> APIRouter:
    router = APIRouter()

    def cursor():
        try:
            return searcher.replica_cursor()
        except IndexNotPublished as error:
            raise HTTPException(503, str(error)) from error

    @router.get("/api/people", response_model=PeopleResponse, tags=["people"])
    def api_people(profile: str | None = None, theme: str | None = None,
                   since: date | None = None, region_only: bool = False,
                   include_quiet: bool = False) -> PeopleResponse:
        """MPs and peers by activity on each theme (the region's first), with directions."""
        chosen = profile or default_profile
        start = datetime.combine(since, time(0), tzinfo=UTC) if since else None
        with cursor() as cur:
            rows = summarise(load_people(cur, chosen), load_contributions(cur, chosen,
                                                                          since=start),
                             theme=theme, region_only=region_only, keep_quiet=include_quiet)
        return PeopleResponse(profile=chosen, people=[
            PersonSummary(person=r.person, label=r.person.label, total=r.total, themes=r.themes)
            for r in rows])

    @router.get("/api/people/{person_id:path}", response_model=PersonDetail, tags=["people"])
    def api_person(person_id: str, profile: str | None = None,
                   limit: int = 50) -> PersonDetail:
        """One person: their record, activity by theme, and their items (newest first)."""
        chosen = profile or default_profile
        with cursor() as cur:
            person = next((p for p in load_people(cur, chosen) if p.person_id == person_id),
                          None)
            if person is None:
                raise HTTPException(404, f"no person {person_id!r}")
            contributions = load_contributions(cur, chosen, person_id=person_id)
            row = summarise([person], contributions, latest=max(1, min(limit, 200)),
                            keep_quiet=True)[0]
            refs = documents_of(cur, row.latest)
        items = [PersonItem(
            document_id=c.document_id, title=refs[c.document_id].title if c.document_id in refs
            else str(c.document_id), url=refs[c.document_id].url if c.document_id in refs
            else "", kind=refs[c.document_id].kind if c.document_id in refs else "",
            published_at=c.published_at, role=c.role, activity=c.activity, themes=c.themes,
            direction=c.direction, direction_sentence=c.direction_sentence)
            for c in row.latest]
        return PersonDetail(person=person, label=person.label, total=row.total,
                            themes=row.themes, items=items)

    @router.get("/people.html", include_in_schema=False)
    def people_page() -> FileResponse:
        return FileResponse(STATIC / "people.html")

    return router
