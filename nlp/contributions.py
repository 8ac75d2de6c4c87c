"""People and their contributions for one profile: who said what, on which themes, which way.

Pure: (stored Parliament documents, their themes, the profile, the direction lexicon) -> people
and contributions. The contribution's themes are its document's (ParlParse and the written
questions API give one document per speech or question; a Hansard API debate shares its themes
among its speakers). Its direction is read from the person's own words.
"""

from __future__ import annotations

import re
import uuid

from nlp.direction import DirectionLexicon, classify_direction
from nlp.kit import authority_pattern
from nlp.people import mentions_of, resolve
from warehouse.config.profiles import Profile
from warehouse.people import Contribution, Person
from warehouse.records import Document


def region_pattern(profile: Profile) -> re.Pattern[str]:
    region = profile.region
    names = sorted({region.name, *region.aliases, *region.councils, *region.places,
                    *region.organisations, *region.constituencies}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names if n) + r")\b",
                      re.IGNORECASE)


def build_people(documents: list[Document], themes: dict[uuid.UUID, list[str]],
                 profile: Profile, lexicon: DirectionLexicon
                 ) -> tuple[list[Person], list[Contribution]]:
    mentions = [m for d in documents for m in mentions_of(d)]
    resolution = resolve(mentions, seats=profile.region.constituencies,
                         region_names=profile.region.mps)
    region, authority = region_pattern(profile), authority_pattern(profile)
    contributions: dict[tuple, Contribution] = {}
    for mention, person_id in zip(mentions, resolution.person_of, strict=True):
        if person_id is None:
            continue
        key = (mention.document_id, person_id, mention.role)
        if key in contributions:  # the same person twice in one role: one contribution
            contributions[key].text += "\n\n" + mention.text
            continue
        contributions[key] = Contribution(
            document_id=mention.document_id, person_id=person_id, role=mention.role,
            activity=mention.activity, published_at=mention.published_at,
            themes=themes.get(mention.document_id, []), text=mention.text)
    for contribution in contributions.values():
        match = classify_direction(contribution.text, lexicon, region=region,
                                   authority=authority)
        contribution.direction = match.direction
        contribution.direction_sentence = match.sentence[:500]
    return resolution.people, list(contributions.values())
