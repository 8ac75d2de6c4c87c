"""Who spoke in Parliament: taken from what the stored document itself says.

`speakers_of` is the one place the brief learns about people. It reads the speaker names in
`Document.people`, the party and constituency in `Document.metadata` where the source gives
them, and the profile's list of the region's MPs; a people register (MPs, parties,
constituencies) can replace it without touching the builder.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from delivery.brief.model import SourceRow
from warehouse.config.profiles import Profile

PARLIAMENT_KINDS = frozenset({"debate", "written_question", "written_statement", "bill",
                              "speech"})
_PARTY_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<party>[^()]+)\)$")


class Speaker(BaseModel):
    name: str
    party: str = ""
    constituency: str = ""
    region_mp: bool = False

    @property
    def label(self) -> str:
        extra = ", ".join(p for p in (self.party, self.constituency) if p)
        return f"{self.name} ({extra})" if extra else self.name


def is_parliamentary(row: SourceRow) -> bool:
    return row.kind in PARLIAMENT_KINDS and (row.kind != "speech" or bool(row.people))


def speakers_of(row: SourceRow, profile: Profile) -> list[Speaker]:
    """The people a parliamentary document is by, the region's MPs marked."""
    mps = {_plain(m): m for m in [*profile.region.mps, *row.region_people]}
    out: list[Speaker] = []
    for index, person in enumerate(row.people):
        match = _PARTY_SUFFIX.match(person)
        name, party = (match["name"], match["party"]) if match else (person, "")
        if index == 0 and not party:
            party = row.metadata.get("party", "")
        constituency = row.metadata.get("constituency", "") if index == 0 else ""
        out.append(Speaker(name=name, party=party, constituency=constituency,
                           region_mp=_plain(name) in mps))
    return out


def _plain(name: str) -> str:
    return " ".join(re.sub(r"\b(Sir|Dame|Dr|Mr|Mrs|Ms|Miss|MP)\b\.?", " ", name).split()).lower()
