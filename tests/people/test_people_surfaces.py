"""The people CLI, API, page route and digest section over the demo week's Parliament items."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from delivery.mps_section import mps_this_week
from flows.cli import app
from tests.support.people_world import PeopleWorld, save_people_world
from warehouse.config.profiles import load_profile
from warehouse.db import connect
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PeopleWorld:
    return save_people_world(tmp_path_factory.mktemp("people") / "horizon.duckdb")


@pytest.fixture(scope="module")
def client(world: PeopleWorld) -> TestClient:
    return TestClient(create_app(world.db, encoder=world.encoder, profile="wmca"))


def test_refresh_counts_people_and_region(world: PeopleWorld) -> None:
    # 13 people with contributions (see test_people_resolve), of whom 5 sit for WMCA seats,
    # plus the 21 WMCA seats nobody in the demo spoke for
    assert world.note == "people: 34 (26 in the region), 17 contributions"


def test_cli_people_table_fits_80_columns(world: PeopleWorld) -> None:
    result = runner.invoke(app, ["people", "--db", str(world.db), "--profile", "wmca"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "Demo Member for" in result.output and "transport" in result.output
    region = runner.invoke(app, ["people", "--db", str(world.db), "--region-only",
                                 "--theme", "housing"], env={"COLUMNS": "80"})
    assert "2 people" in region.output and "Minister" not in region.output


def test_cli_person_by_name_and_id(world: PeopleWorld) -> None:
    result = runner.invoke(app, ["person", "Coventry South", "--db", str(world.db)],
                           env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "mnis:90003" in result.output and "in the region: yes" in result.output
    assert "supportive" in result.output  # "puts at risk new services from Coventry"
    missing = runner.invoke(app, ["person", "Nobody At All", "--db", str(world.db)])
    assert missing.exit_code == 2


def test_cli_who_puts_the_region_first(world: PeopleWorld, monkeypatch) -> None:
    class Query:
        def encode_query(self, text: str) -> np.ndarray:
            return world.encoder.encode([text])[0]

    monkeypatch.setattr("nlp.query_encoder.load_query_encoder", lambda *a, **k: Query())
    result = runner.invoke(app, ["who", "Midlands Rail Hub pause", "--db", str(world.db),
                                 "--min-similarity", "0.3"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Demo" in line or "Minister" in line]
    assert lines and "Coventry South" in lines[0]


def test_api_people_and_person(client: TestClient) -> None:
    data = client.get("/api/people", params={"region_only": True}).json()
    assert data["people"] and all(p["person"]["in_region"] for p in data["people"])
    person = client.get("/api/people/twfy:member/90008").json()
    assert person["person"]["ministerial_role"] == "Minister for Local Government"
    assert {i["activity"] for i in person["items"]} == {"answer"}
    assert client.get("/api/people/mnis:1").status_code == 404
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/people" in paths and "/api/people/{person_id}" in paths
    assert client.get("/people.html").status_code == 200


def test_api_search_filters_by_person(client: TestClient) -> None:
    everyone = client.get("/api/search", params={"q": "Coventry"}).json()["results"]
    mine = client.get("/api/search", params={"q": "Coventry",
                                             "person": "mnis:90003"}).json()["results"]
    assert mine and len(mine) < len(everyone) + 1
    assert all("Coventry" in r["title"] or "Rail" in r["title"] for r in mine)


def test_digest_section_lines(world: PeopleWorld) -> None:
    profile = load_profile(ROOT / "config", "wmca")
    with connect(world.db, read_only=True) as con:
        lines = mps_this_week(con, profile, date(2026, 11, 22))
    by_name = {line.name: line for line in lines}
    assert set(by_name) == {"Demo Member for Coventry South", "Demo Member for Dudley",
                            "Demo Member for West Bromwich", "Demo Member for Birmingham Erdington",
                            "Demo Member for Wolverhampton West"}
    coventry = by_name["Demo Member for Coventry South"]
    assert coventry.did == "2 speeches, 1 question" and coventry.direction == "supportive"
    with connect(world.db, read_only=True) as con:
        assert mps_this_week(con, profile, date(2026, 12, 22)) == []  # nothing that week


def test_digest_renders_the_section_only_when_there_is_something(world: PeopleWorld) -> None:
    from datetime import UTC, datetime

    from delivery.digest import build_digest
    from delivery.render import render_digest_html, render_digest_text

    profile = load_profile(ROOT / "config", "wmca")
    with connect(world.db, read_only=True) as con:
        lines = mps_this_week(con, profile, date(2026, 11, 22))
    empty = build_digest([], profile, date(2026, 11, 22),
                         now=datetime(2026, 11, 22, 7, tzinfo=UTC))
    digest = empty.model_copy(update={"mps": lines})
    text, html = render_digest_text(digest), render_digest_html(digest)
    assert "== Our MPs this week (5) ==" in text
    assert ("* Demo Member for Coventry South (Lab): 2 speeches, 1 question on Transport (bus, "
            "rail and metro), Housing and regeneration; supportive: ") in text
    assert "Our MPs this week" in html and "&ldquo;" in html
    assert "Our MPs this week" not in render_digest_text(empty)


def test_brief_rows_name_the_regions_people_and_in_parliament_marks_them(
        world: PeopleWorld) -> None:
    from delivery.brief.model import SourceRow
    from delivery.brief.parliament import speakers_of
    from warehouse.brief_rows import brief_rows

    profile = load_profile(ROOT / "config", "wmca")
    with connect(world.db, read_only=True) as con:
        ids = [row[0] for row in con.execute(
            "SELECT id FROM documents WHERE title LIKE 'Midlands Rail Hub%'").fetchall()]
        rows = brief_rows(con, "wmca", ids)
    # the ParlParse speeches (one each) and the Hansard API debate (both speakers)
    assert sorted(tuple(r["region_people"]) for r in rows.values()) == [
        (), ("Demo Member for Coventry South",), ("Demo Member for Coventry South",)]
    row = next(r for r in rows.values() if r["people"][0] == "Demo Member for Coventry South")
    speakers = speakers_of(SourceRow(**row, rank=0), profile)
    assert speakers[0].region_mp  # by seat, though the profile's `mps` does not name them
