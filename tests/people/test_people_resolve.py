"""One person however many sources name them: ids first, names with care, titles never alone."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

from nlp.people import Mention, mentions_of, name_key, resolve
from tests.support.people_samples import demo_documents, parlparse_documents, question_documents
from warehouse.people import Activity, Role

SEATS = ["Birmingham Erdington", "Coventry South", "Dudley", "West Bromwich",
         "Wolverhampton West", "Solihull West and Shirley"]


def _people(documents):
    mentions = [m for d in documents for m in mentions_of(d)]
    return mentions, resolve(mentions, seats=SEATS)


def test_recorded_parlparse_one_person_per_speaker_id(parliament_samples: Path) -> None:
    documents = parlparse_documents(parliament_samples / "twfy_parlparse_xml")
    mentions, resolution = _people(documents)
    ids = {m.ids[0] for m in mentions if m.ids}
    # every ParlParse speaker id is one person, across the debates, answers, statements and
    # Westminster Hall files (a name may join two ids only when nothing contradicts it)
    linked = {p for p, m in zip(resolution.person_of, mentions, strict=True) if m.ids}
    assert len(linked) <= len(ids)
    by_id: dict[str, set] = {}
    for person, m in zip(resolution.person_of, mentions, strict=True):
        if m.ids:
            by_id.setdefault(m.ids[0], set()).add(person)
    assert all(len(people) == 1 for people in by_id.values())
    # Vernon Coaker answers 31 times in the recorded written answers and speaks elsewhere:
    coaker = {p for p, m in zip(resolution.person_of, mentions, strict=True)
              if m.name == "Vernon Coaker"}
    assert coaker == {"twfy:member/1593"}


def test_recorded_titles_resolve_only_with_the_speakers_id(parliament_samples: Path) -> None:
    documents = parlparse_documents(parliament_samples / "twfy_parlparse_xml")
    mentions, resolution = _people(documents)
    linked = dict(zip(range(len(mentions)), resolution.person_of, strict=True))
    speaker = [linked[i] for i, m in enumerate(mentions) if m.name == "Mr. Speaker"]
    assert set(speaker) == {"twfy:member/40031"}  # the file gives the Speaker's id
    person = next(p for p in resolution.people if p.person_id == "twfy:member/40031")
    assert person.name == "" and person.aliases == ["Mr. Speaker"]
    hon_members = [linked[i] for i, m in enumerate(mentions) if m.name == "Hon. Members"]
    assert hon_members and set(hon_members) == {None}  # speakerid="unknown": nobody


def test_recorded_written_questions_ids_only(parliament_samples: Path) -> None:
    documents = question_documents(parliament_samples / "written_questions_api" /
                                   "writtenquestions_questions_tabled_2024-01-05_20items.json")
    mentions, resolution = _people(documents)
    asked = Counter(p for p, m in zip(resolution.person_of, mentions, strict=True)
                    if m.role is Role.ASKER)
    # hand count of askingMemberId in the recorded list: 4410 x4, 4668 x3, 1506 x3
    assert asked["mnis:4410"] == 4 and asked["mnis:4668"] == 3 and asked["mnis:1506"] == 3
    person = next(p for p in resolution.people if p.person_id == "mnis:4410")
    assert person.parliament_id == 4410 and person.name == ""  # askingMember is null


def test_demo_parlparse_and_written_questions_are_one_person() -> None:
    mentions, resolution = _people(demo_documents())
    coventry = {p for p, m in zip(resolution.person_of, mentions, strict=True)
                if m.name == "Demo Member for Coventry South"}
    assert coventry == {"mnis:90003"}  # ParlParse member/90003, questions API and Hansard API
    person = next(p for p in resolution.people if p.person_id == "mnis:90003")
    assert person.twfy_id == "member/90003" and person.in_region
    assert person.constituency == "Coventry South"
    # one ParlParse id under two titles is one person, with the later title as their role
    housing = next(p for p in resolution.people if p.person_id == "twfy:member/90008")
    assert housing.aliases == ["The Minister for Housing", "The Minister for Local Government"]
    assert housing.ministerial_role == "Minister for Local Government"
    seats = {p.constituency for p in resolution.people if p.person_id.startswith("seat:")}
    assert seats == {"Solihull West and Shirley"}  # nobody has spoken for it in the demo


def _mention(name: str, *ids: str, seat: str = "", role: Role = Role.SPEAKER) -> Mention:
    return Mention(uuid.uuid4(), role, Activity.SPEECH, None, tuple(ids), name, "", seat)


def test_constructed_names_join_only_without_contradiction() -> None:
    """Constructed mentions: the rules for joining by name."""
    mentions = [
        _mention("Jo Smith", "twfy:member/1"), _mention("Ms Jo Smith", "mnis:10"),  # join
        _mention("Alex Brown", "mnis:20"), _mention("Alex Brown", "mnis:21"),  # two people
        _mention("Sam Green", "mnis:30", seat="Dudley"),
        _mention("Sam Green", "twfy:member/3", seat="Halesowen"),  # different seats: two
        _mention("The Minister for Local Transport"),  # a title, no id: nobody
        _mention("Mr Speaker", "twfy:member/9"),  # a title with an id: that person
        _mention("Jo Smith"),  # a name without an id joins the one Jo Smith
    ]
    resolution = resolve(mentions)
    assert resolution.person_of == ["mnis:10", "mnis:10", "mnis:20", "mnis:21", "mnis:30",
                                    "twfy:member/3", None, "twfy:member/9", "mnis:10"]
    assert name_key("The Rt. Hon. Ms Jo Smith MP") == "jo smith"


def test_hansard_attribution_gives_seat_party_and_peerage() -> None:
    """Constructed AttributedTo strings in the Hansard API's shape."""
    from nlp.people import _attribution, resolve

    assert _attribution("Liam Byrne (Birmingham Hodge Hill and Solihull North) (Lab)") == (
        "Liam Byrne", "Birmingham Hodge Hill and Solihull North", "Lab")
    assert _attribution("Lord Smith of Finsbury (Lab)") == ("Lord Smith of Finsbury", "", "Lab")
    lord = Mention(uuid.uuid4(), Role.SPEAKER, Activity.SPEECH, None, ("mnis:99",),
                   "Lord Smith of Finsbury", "Lab", "", "Lords")
    person = resolve([lord]).people[0]
    assert (person.peerage, person.house, person.in_region) == ("Lord Smith of Finsbury",
                                                                "Lords", False)
    seat = _mention("Liam Byrne", "mnis:1", seat="Birmingham, Hodge Hill and Solihull North")
    ours = resolve([seat], seats=["Birmingham Hodge Hill and Solihull North"]).people
    assert ours[0].in_region and ours[0].constituency == "Birmingham Hodge Hill and Solihull North"
    assert len(ours) == 1  # the seat record is claimed by its MP


def test_recorded_counts_match_a_count_of_the_xml(parliament_samples: Path) -> None:
    """Counted by hand with grep on the recorded files: speakerid="uk.org.publicwhip/member/N"
    appears 32 times for 1472 (Harriet Harman, debates), 25 for 1669 (Hilary Benn, debates) and
    31 for 1593 (Vernon Coaker, all <reply> in the written answers)."""
    documents = parlparse_documents(parliament_samples / "twfy_parlparse_xml")
    mentions, resolution = _people(documents)
    counts = Counter((p, m.activity) for p, m in zip(resolution.person_of, mentions,
                                                      strict=True))
    assert counts[("twfy:member/1472", Activity.SPEECH)] == 32
    assert counts[("twfy:member/1669", Activity.SPEECH)] == 25
    assert counts[("twfy:member/1593", Activity.ANSWER)] == 31
