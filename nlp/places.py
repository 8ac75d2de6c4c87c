"""Place relevance: the profile's gazetteer, spaCy entities, and a region score with its reasons.

Gazetteer names (the authority, its councils, places, organisations, MPs and the Mayor) are found
with word-boundary patterns, longest name first. A mention counts less when it is part of another
name (a spaCy entity that is not in the gazetteer, or a configured qualifier such as "HMP"): "HMP
Birmingham" is a prison, not the city's business. The region score grows with the weighted,
diminishing evidence of distinct names, counts title and summary double, and is scaled by how
on-theme the document is, so a passing mention in an unrelated statement scores low.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from nlp.config import PlacesConfig
from warehouse.config.profiles import Profile

PLACE_KINDS = frozenset({"authority", "council", "place"})
PEOPLE_KINDS = frozenset({"mayor", "mp"})
NER_CONTEXT_CHARS = 160  # characters either side of a body mention that NER sees


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, str]  # surface form -> kind
    pattern: re.Pattern[str]
    qualifier: re.Pattern[str] | None


@dataclass(frozen=True)
class Mention:
    name: str
    kind: str
    start: int
    end: int
    in_head: bool
    weak: bool = False


@dataclass(frozen=True)
class RegionMatch:
    score: float
    places: list[str]
    people: list[str]
    evidence: float


def build_gazetteer(profile: Profile, settings: PlacesConfig) -> Gazetteer:
    region = profile.region
    names: dict[str, str] = {}
    groups = [("place", region.places), ("organisation", region.organisations),
              ("mp", region.mps), ("council", region.councils),
              ("authority", [region.name, *region.aliases]), ("mayor", [profile.mayor])]
    for kind, values in groups:
        for value in values:
            if value.strip():
                names[value.strip()] = kind
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])")
    qualifier = None
    if settings.weak_qualifiers:
        words = "|".join(re.escape(q) for q in sorted(settings.weak_qualifiers, key=len,
                                                        reverse=True))
        qualifier = re.compile(rf"(?:\b(?:{words})\s+$)|(?:^\s+(?:{words})\b)")
    return Gazetteer(names, pattern, qualifier)


def find_mentions(
    head: str, body: str, gazetteer: Gazetteer, settings: PlacesConfig,
    entity_spans: list[tuple[int, int, str]] | None = None,
) -> list[Mention]:
    """Gazetteer mentions in `head + "\\n" + body` (offsets into that joined text).

    `entity_spans` are (start, end, text) of named entities over the same joined text; a
    mention strictly inside a longer entity that is not itself a gazetteer name is weak.
    """
    text = f"{head}\n{body[: settings.scan_max_chars]}"
    mentions: list[Mention] = []
    for match in gazetteer.pattern.finditer(text):
        name = match.group(0)
        weak = _qualified(text, match.start(), match.end(), gazetteer)
        for start, end, entity in entity_spans or []:
            inside = start <= match.start() and match.end() <= end
            if inside and (end - start) > len(name) and entity.strip() not in gazetteer.names:
                weak = True
                break
        mentions.append(Mention(name, gazetteer.names[name], match.start(), match.end(),
                                match.start() < len(head), weak))
    return mentions


def ner_windows(
    head: str, body: str, gazetteer: Gazetteer, settings: PlacesConfig
) -> list[tuple[int, int]]:
    """Spans of `head + "\\n" + body` worth running NER on, bounded whatever the body's size.

    The opening `spacy_max_chars` characters, then a window of `NER_CONTEXT_CHARS` either side of
    each later gazetteer mention (merged), until a further `spacy_max_chars` characters are used:
    so a name deep in a long body is still checked against the entity around it ("HMP Birmingham")
    at the cost of a few short texts, not of the whole body.
    """
    text_length = len(head) + 1 + min(len(body), settings.scan_max_chars)
    first = min(text_length, len(head) + 1 + settings.spacy_max_chars)
    windows = [(0, first)]
    budget = settings.spacy_max_chars
    offset = len(head) + 1
    scanned = body[: settings.scan_max_chars]
    for match in gazetteer.pattern.finditer(scanned, max(0, first - offset)):
        start = max(first, offset + match.start() - NER_CONTEXT_CHARS)
        end = min(text_length, offset + match.end() + NER_CONTEXT_CHARS)
        if start >= end:
            continue
        last_start, last_end = windows[-1]
        if start <= last_end:
            grown = end - last_end
            if grown > budget:
                break
            windows[-1] = (last_start, max(last_end, end))
            budget -= max(0, grown)
            continue
        if end - start > budget:
            break
        windows.append((start, end))
        budget -= end - start
    return windows


def _qualified(text: str, start: int, end: int, gazetteer: Gazetteer) -> bool:
    if gazetteer.qualifier is None:
        return False
    before = text[max(0, start - 30):start]
    after = text[end:end + 30]
    return bool(gazetteer.qualifier.search(before) or gazetteer.qualifier.match(after))


def score_region(mentions: list[Mention], topical: float, settings: PlacesConfig) -> RegionMatch:
    """Region score in [0, 1] with the places and people named (strong mentions only)."""
    by_name: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_name.setdefault(mention.name, []).append(mention)
    evidence = 0.0
    places: list[str] = []
    people: list[str] = []
    for name, found in by_name.items():
        strong = [m for m in found if not m.weak]
        kind = found[0].kind
        weight = settings.weights.get(kind, 0.5)
        if not strong:
            weight *= settings.weak_factor
        head = any(m.in_head for m in (strong or found))
        weight *= settings.head_boost if head else 1.0
        evidence += weight * (1.0 + math.log(len(strong or found)))
        if strong and kind in PEOPLE_KINDS:
            people.append(name)
        elif strong:
            places.append(name)
    topical_factor = settings.topical_floor + (1.0 - settings.topical_floor) * topical
    score = (1.0 - math.exp(-evidence / settings.scale)) * topical_factor
    return RegionMatch(round(min(max(score, 0.0), 1.0), 6), places, people, evidence)
