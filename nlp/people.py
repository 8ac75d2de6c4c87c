"""Who took part in each Parliament document, and one person however many sources name them.

`mentions_of` reads the speaker references the parsers keep (ParlParse speaker ids, the written
questions API's asking and answering member ids, Hansard API member ids). `resolve` joins them:
ids first (the same id of the same scheme is the same person); then names, with care: two records
with the same name join only when no scheme gives them different ids and no source gives them
different seats. A title ("Mr. Speaker", "The Minister for Local Transport") is never a name: it
resolves to a person only when the source gives that speaker's id. The profile's seats say who is
in the region (by constituency); seats nobody has spoken for yet are kept as seat records.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from nlp.disjoint_sets import DisjointSets
from warehouse.people import Activity, Person, Role
from warehouse.records import Document, DocumentKind

_TITLE = re.compile(
    r"^(?:the\s|mr\.?\s+(?:deputy\s+)?speaker|madam\s+(?:deputy\s+)?speaker|(?:deputy\s+)?speaker$"
    r"|(?:several\s+|an\s+)?hon\.?\s+members?|noble\s+lords|(?:the\s+)?chair(?:man)?$"
    r"|(?:first|second|third)\s+deputy|a\s+noble\s+lord)", re.IGNORECASE)
_MINISTERIAL = re.compile(
    r"\b(?:minister|secretary of state|under-secretary|chancellor|leader of the house"
    r"|solicitor general|attorney general|paymaster|chief secretary|whip)\b", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:(?:the\s+)?rt\.?\s+hon\.?\s+|mr\.?\s+|mrs\.?\s+|ms\.?\s+|miss\s+"
                        r"|dr\.?\s+|sir\s+|dame\s+|mx\.?\s+|prof\.?\s+)+", re.IGNORECASE)
_SEAT_IN_NAME = re.compile(r"\bMember for (.+)$")
_PEER = re.compile(r"^(?:lord|baroness|lady|earl|viscount|countess|duke|marquess|bishop)\b",
                   re.IGNORECASE)
_PARTY_CODE = re.compile(r"^[A-Za-z/&-]{1,12}(?:\s?Co-op)?$")


@dataclass
class Mention:
    """One person named by one document, in one role, with what the source says of them."""
    document_id: uuid.UUID
    role: Role
    activity: Activity
    published_at: datetime | None
    ids: tuple[str, ...] = ()  # scheme:id, e.g. mnis:4410, twfy:member/1472
    name: str = ""  # as the source gives it (a name or a title)
    party: str = ""
    constituency: str = ""
    house: str = ""
    text: str = ""  # their words in the document


def is_title(name: str) -> bool:
    return bool(_TITLE.match(name.strip()))


def name_key(name: str) -> str:
    """A name compared without honorifics, punctuation, case or party."""
    name = re.sub(r"\s*\(.*$", "", name).replace(".", " ").replace(",", " ")
    name = _HONORIFIC.sub("", " ".join(name.split()) + " ").strip()
    return " ".join(re.sub(r"\s+mp$", "", name.lower()).split())


def seat_key(seat: str) -> str:
    seat = seat.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", seat).split())


def _twfy(speaker_id: str) -> tuple[str, ...]:
    match = re.match(r"^uk\.org\.publicwhip/((?:member|person|lord)/\d+)$", speaker_id.strip())
    return (f"twfy:{match.group(1)}",) if match else ()


def _mnis(member_id: str) -> tuple[str, ...]:
    return (f"mnis:{int(member_id)}",) if member_id.strip().isdigit() else ()


def _refs(value: str) -> list[tuple[str, str]]:
    return [tuple(ref.partition("=")[::2]) for ref in value.split("|") if ref]  # type: ignore


def _attribution(who: str) -> tuple[str, str, str]:
    """Hansard's AttributedTo: "Name (Seat) (Party)" -> name, seat, party."""
    name = re.sub(r"\s*\(.*$", "", who).strip()
    seat = party = ""
    for group in re.findall(r"\(([^()]*)\)", who):
        if _PARTY_CODE.match(group.strip()) and not party:
            party = group.strip()
        elif not seat:
            seat = group.strip()
    return name, seat, party


def mentions_of(document: Document) -> list[Mention]:
    """Everyone the document's parser recorded as taking part, with their ids where given."""
    meta, version = document.metadata, document.parser_version
    house = meta.get("house", "")
    at, doc = document.published_at, document.id

    def mention(role: Role, activity: Activity, ids: tuple[str, ...], name: str, text: str,
                party: str = "", seat: str = "") -> Mention:
        return Mention(doc, role, activity, at, ids, name.strip(), party, seat, house, text)

    if version.startswith("parlparse/"):
        if document.source_type == "question":
            cut = int(meta.get("question_chars") or len(document.body_text))
            asked, answered = document.body_text[:cut], document.body_text[cut:].strip()
            return [*(mention(Role.ASKER, Activity.QUESTION, _twfy(i), n, asked)
                      for i, n in _refs(meta.get("asker_refs", ""))),
                    *(mention(Role.ANSWERER, Activity.ANSWER, _twfy(i), n, answered)
                      for i, n in _refs(meta.get("answerer_refs", "")))]
        activity = (Activity.STATEMENT if document.kind is DocumentKind.WRITTEN_STATEMENT
                    else Activity.SPEECH)
        name = document.people[0] if document.people else ""
        return [mention(Role.SPEAKER, activity, _twfy(meta.get("speaker_id", "")), name,
                        document.body_text, meta.get("party", ""))]
    if version.startswith("written-questions/"):
        question, _, answer = document.body_text.partition("\n\nAnswer: ")
        found = []
        for prefix, role, activity, text in (
                ("asking_member", Role.ASKER, Activity.QUESTION, question),
                ("answering_member", Role.ANSWERER, Activity.ANSWER, answer)):
            ids = _mnis(meta.get(f"{prefix}_id", ""))
            if ids or meta.get(f"{prefix}_name"):
                found.append(mention(role, activity, ids, meta.get(f"{prefix}_name", ""), text,
                                     meta.get(f"{prefix}_party", ""),
                                     meta.get(f"{prefix}_from", "")))
        return found
    if version.startswith("hansard-api/"):
        paragraphs = document.body_text.split("\n\n")
        found = []
        for member_id, who in _refs(meta.get("speaker_refs", "")):
            name, seat, party = _attribution(who)
            said = "\n\n".join(p[len(who) + 2:] for p in paragraphs if p.startswith(f"{who}: "))
            found.append(mention(Role.SPEAKER, Activity.SPEECH, _mnis(member_id), name, said,
                                 party, seat))
        return found
    return []


@dataclass
class _Group:
    ids: dict[str, set[str]] = field(default_factory=dict)  # scheme -> ids
    seats: set[str] = field(default_factory=set)
    members: list[int] = field(default_factory=list)

    def absorb(self, other: _Group) -> None:
        for scheme, ids in other.ids.items():
            self.ids.setdefault(scheme, set()).update(ids)
        self.seats |= other.seats
        self.members += other.members

    def compatible(self, other: _Group) -> bool:
        clash = any(self.ids.get(s, ids) != ids for s, ids in other.ids.items())
        return not clash and len(self.seats | other.seats) <= 1


@dataclass
class Resolution:
    people: list[Person]
    person_of: list[str | None]  # per mention: its person_id, or None (a title without an id)


def _seat_of(mention: Mention) -> str:
    if mention.constituency:
        return mention.constituency
    found = _SEAT_IN_NAME.search(mention.name)
    return found.group(1).strip() if found else ""


def resolve(mentions: list[Mention], *, seats: list[str] = (),  # type: ignore[assignment]
            region_names: list[str] = ()) -> Resolution:  # type: ignore[assignment]
    """One person per real person named; the profile's seats mark who is in the region."""
    groups: dict[int, _Group] = {}  # by the root of its mentions' set
    sets = DisjointSets()
    by_id: dict[str, int] = {}

    def union(a: int, b: int) -> None:
        roots = sets.union(a, b)
        if roots:
            groups[roots[0]].absorb(groups.pop(roots[1]))

    for i, m in enumerate(mentions):
        titled = is_title(m.name) or not m.name
        if titled and not m.ids:
            continue  # a title or nothing, and no id: nobody we can name
        sets.add(i)
        seat = _seat_of(m)
        schemes: dict[str, set[str]] = {}
        for ref in m.ids:
            schemes.setdefault(ref.split(":", 1)[0], set()).add(ref)
        groups[i] = _Group(schemes, {seat_key(seat)} if seat else set(), [i])
        for ref in m.ids:
            if ref in by_id:
                union(by_id[ref], i)
            else:
                by_id[ref] = i
    by_name: dict[str, list[int]] = {}
    for i in sets:
        if not is_title(mentions[i].name) and name_key(mentions[i].name):
            by_name.setdefault(name_key(mentions[i].name), []).append(i)
    for _, members in sorted(by_name.items()):
        for other in members[1:]:
            a, b = sets.find(members[0]), sets.find(other)
            if a != b and groups[a].compatible(groups[b]):
                union(a, b)
    seat_set = {seat_key(s): s for s in seats}
    names_in_region = {name_key(n) for n in region_names}
    people, person_of = [], [None] * len(mentions)
    claimed: set[str] = set()
    for _root, group in sorted(groups.items()):
        person = _person([mentions[i] for i in group.members], group, seat_set, names_in_region)
        people.append(person)
        claimed.add(seat_key(person.constituency))
        for i in group.members:
            person_of[i] = person.person_id
    for key, seat in sorted(seat_set.items()):
        if key not in claimed:
            people.append(Person(person_id=f"seat:{key.replace(' ', '-')}", constituency=seat,
                                 house="Commons", in_region=True))
    return Resolution(people, person_of)


def _person(mentions: list[Mention], group: _Group, seats: dict[str, str],
            names_in_region: set[str]) -> Person:
    mentions = sorted(mentions, key=lambda m: (m.published_at is not None,
                                               m.published_at.timestamp() if m.published_at
                                               else 0.0))
    names = Counter(re.sub(r"\s*\(.*$", "", m.name) for m in mentions
                    if m.name and not is_title(m.name))
    name = names.most_common(1)[0][0] if names else ""
    seat_names = Counter(_seat_of(m) for m in mentions if _seat_of(m))
    seat = seat_names.most_common(1)[0][0] if seat_names else ""
    if seat_key(seat) in seats:
        seat = seats[seat_key(seat)]  # the profile's spelling
    mnis = sorted(group.ids.get("mnis", ()))
    twfy = sorted(group.ids.get("twfy", ()))
    person_id = mnis[0] if mnis else twfy[0] if twfy else f"name:{name_key(name).replace(' ', '-')}"
    house = next((m.house for m in reversed(mentions) if m.house), "")
    roles = [m.name for m in mentions if is_title(m.name) and _MINISTERIAL.search(m.name)]
    in_region = seat_key(seat) in seats if seat else name_key(name) in names_in_region
    return Person(
        person_id=person_id, parliament_id=int(mnis[0].split(":")[1]) if mnis else None,
        twfy_id=twfy[0].split(":", 1)[1] if twfy else "", name=name,
        party=next((m.party for m in reversed(mentions) if m.party), ""), constituency=seat,
        peerage=name if house == "Lords" and _PEER.match(name) else "", house=house,
        in_region=in_region, ministerial_role=roles[-1].removeprefix("The ") if roles else "",
        aliases=sorted({m.name for m in mentions if m.name}))
