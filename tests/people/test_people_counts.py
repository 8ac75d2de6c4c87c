"""Counts per person and theme against a hand count, on a constructed fixture (ours)."""

from __future__ import annotations

from datetime import UTC, datetime

from nlp.config import load_yaml_mapping
from nlp.contributions import build_people
from nlp.direction import parse_direction_lexicon
from tests.support.factories import make_document
from tests.support.people_samples import ROOT
from warehouse.config.profiles import Profile, Region, Theme
from warehouse.db import connect
from warehouse.people import Direction, replace_people
from warehouse.people_activity import (
    find_person,
    people_activity,
    region_contributors,
    summarise,
)
from warehouse.records import DocumentKind

PROFILE = Profile(
    id="test", name="Test Combined Authority", short_name="TCA", mayor="Jo Mayor",
    region=Region(name="Testshire", aliases=["Test Combined Authority"], places=["Testville"],
                  constituencies=["Testville North", "Testville South"]),
    themes=[Theme(id="transport", name="Transport", description="Buses.", examples=["buses"]),
            Theme(id="housing", name="Housing", description="Homes.", examples=["homes"])],
    sources=["parliament_debates"])


def _speech(n: int, speaker: str, name: str, text: str, day: int) -> object:
    return make_document(
        source="parliament_debates", kind=DocumentKind.DEBATE, source_type="speech",
        url=f"https://www.theyworkforyou.com/debates/?id=2026-11-{day:02d}a.1.{n}",
        title=f"Debate {n}", summary=text[:100], body_text=text, people=[name],
        published_at=datetime(2026, 11, day, 11, 0, tzinfo=UTC), parser_version="parlparse/1",
        metadata={"house": "Commons", "speaker_id": f"uk.org.publicwhip/member/{speaker}"})


def _question(n: int, asker: str, name: str, text: str, day: int, seat: str = "") -> object:
    return make_document(
        source="parliament_wq", kind=DocumentKind.WRITTEN_QUESTION,
        source_type="written_question",
        url=f"https://questions-statements.parliament.uk/written-questions/detail/x/{n}",
        title=f"Question {n}", body_text=text + "\n\nAnswer: We will reply.",
        published_at=datetime(2026, 11, day, tzinfo=UTC), parser_version="written-questions/1",
        metadata={"house": "Commons", "asking_member_id": asker, "asking_member_name": name,
                  "asking_member_from": seat, "answering_member_id": "900"})


def _fixture():
    docs = [
        _speech(1, "1", "Ann North",
                "I welcome the new buses for Testville.", 16),
        _speech(2, "1", "Ann North",
                "Homes in Testville are at risk without the Testville scheme.", 17),
        _speech(3, "2", "Bob Elsewhere", "Buses in Otherton run late.", 18),
        _question(4, "11", "Ann North", "What funding will Testville get for buses?", 19,
                  "Testville North"),
        _question(5, "12", "Cy South", "Is the Test Combined Authority a shambles on housing? "
                  "The Mayor has failed on homes.", 20),
    ]
    themes = {docs[0].id: ["transport"], docs[1].id: ["housing", "transport"],
              docs[2].id: ["transport"], docs[3].id: ["transport"], docs[4].id: ["housing"]}
    return docs, themes


def test_counts_per_person_and_theme_match_a_hand_count() -> None:
    docs, themes = _fixture()
    lexicon = parse_direction_lexicon(load_yaml_mapping(ROOT / "config" /
                                                        "direction_lexicon.yaml"))
    people, contributions = build_people(docs, themes, PROFILE, lexicon)
    rows = {a.person.label: a for a in summarise(people, contributions)}
    # Hand count. Ann North: ParlParse member/1 and the questions API member 11 (who gives her
    # seat) under the same name are one person: 2 speeches + 1 question, in the region.
    ann = rows["Ann North"]
    assert ann.total == 3 and ann.person.in_region and ann.person.person_id == "mnis:11"
    by_theme = {t.theme: t for t in ann.themes}
    assert (by_theme["transport"].speeches, by_theme["transport"].questions) == (2, 1)
    assert (by_theme["housing"].speeches, by_theme["housing"].questions) == (1, 0)
    assert by_theme["transport"].supportive == 2  # "I welcome", "at risk"; the question: neutral
    cy = rows["Cy South"]
    assert cy.total == 1 and cy.themes[0].theme == "housing" and cy.themes[0].critical == 1
    assert cy.latest[0].direction is Direction.CRITICAL
    assert "shambles" in cy.latest[0].direction_sentence or "failed" in \
        cy.latest[0].direction_sentence
    bob = rows["Bob Elsewhere"]
    assert bob.total == 1 and bob.themes[0].neutral == 1  # not about the region
    housing = summarise(people, contributions, theme="housing")
    assert [(a.person.label, a.total) for a in housing] == [
        ("Ann North", 1), ("Cy South", 1), ("mnis:900", 1)]  # 900 answered Cy's question
    assert rows["mnis:900"].themes[0].answers == 1 and rows["mnis:900"].total == 2
    since = summarise(people, contributions, since=datetime(2026, 11, 18, tzinfo=UTC))
    assert {a.person.label: a.total for a in since}["Ann North"] == 1


def test_saving_twice_leaves_the_same_rows_and_find_person() -> None:
    docs, themes = _fixture()
    lexicon = parse_direction_lexicon(load_yaml_mapping(ROOT / "config" /
                                                        "direction_lexicon.yaml"))
    people, contributions = build_people(docs, themes, PROFILE, lexicon)
    con = connect()
    assert replace_people(con, "test", people, contributions) == \
        replace_people(con, "test", people, contributions)
    assert con.execute("SELECT count(*) FROM contributions").fetchone()[0] == len(contributions)
    region = people_activity(con, "test", region_only=True, keep_quiet=True)
    assert {a.person.constituency for a in region} >= {"Testville South"}  # a seat record
    assert [p.person_id for p in find_person(con, "test", "11")] == ["mnis:11"]
    assert [p.person_id for p in find_person(con, "test", "cy")] == ["mnis:12"]
    ours = region_contributors(con, "test", [d.id for d in docs])
    assert {d: [p.person_id for p in people] for d, people in ours.items()} == {
        docs[0].id: ["mnis:11"], docs[1].id: ["mnis:11"], docs[3].id: ["mnis:11"]}


def test_refresh_reports_a_broken_lexicon_and_keeps_the_tables(tmp_path) -> None:
    from flows.tasks.people import refresh_people

    (tmp_path / "direction_lexicon.yaml").write_text("supportive: [{pattern: '('}]\n")
    con = connect()
    note = refresh_people(con, PROFILE, tmp_path)
    assert note.startswith("people: not refreshed: ")
    assert con.execute("SELECT count(*) FROM people").fetchone()[0] == 0
