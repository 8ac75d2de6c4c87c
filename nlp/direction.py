"""Direction of one contribution towards the region or the authority, with the sentence.

Rules from config/direction_lexicon.yaml (its header says how they read): only sentences naming
the region or the authority (and the sentences either side) count; supportive and critical terms
are weighed, a negated term is dropped, and criticism terms marked `aimed` count only when the
sentence names the authority or the Mayor. The side with more weight wins by the margin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warehouse.people import Direction
from warehouse.text import split_sentences


@dataclass(frozen=True)
class DirectionTerm:
    pattern: re.Pattern[str]
    weight: float
    aimed: bool = False


@dataclass(frozen=True)
class DirectionLexicon:
    supportive: list[DirectionTerm]
    critical: list[DirectionTerm]
    negation: re.Pattern[str]
    margin: float = 0.5
    window: int = 1


@dataclass(frozen=True)
class DirectionMatch:
    direction: Direction
    score: float  # winning side's weight less the other's
    sentence: str = ""


def parse_direction_lexicon(data: dict) -> DirectionLexicon:
    def terms(entries: list[dict]) -> list[DirectionTerm]:
        return [DirectionTerm(re.compile(rf"(?<!\w)(?:{e['pattern']})(?![\w-])", re.IGNORECASE),
                              float(e["weight"]), bool(e.get("aimed", False)))
                for e in entries]

    return DirectionLexicon(terms(data.get("supportive") or []), terms(data.get("critical") or []),
                            re.compile(str(data.get("negation") or r"$^"), re.IGNORECASE),
                            float(data.get("margin", 0.5)), int(data.get("window", 1)))


def _weigh(sentence: str, terms: list[DirectionTerm], negation: re.Pattern[str],
           aimed_ok: bool) -> float:
    total = 0.0
    for term in terms:
        if term.aimed and not aimed_ok:
            continue
        for match in term.pattern.finditer(sentence):
            if not negation.search(sentence[:match.start()]):
                total += term.weight
                break
    return total


def classify_direction(text: str, lexicon: DirectionLexicon, *, region: re.Pattern[str],
                       authority: re.Pattern[str]) -> DirectionMatch:
    """Supportive, critical or neutral towards the region (`region`) or authority (`authority`)."""
    sentences = split_sentences(text)
    about = [i for i, s in enumerate(sentences) if region.search(s) or authority.search(s)]
    if not about:
        return DirectionMatch(Direction.NEUTRAL, 0.0)
    near = sorted({j for i in about for j in range(i - lexicon.window, i + lexicon.window + 1)
                   if 0 <= j < len(sentences)})
    totals = {Direction.SUPPORTIVE: 0.0, Direction.CRITICAL: 0.0}
    best: dict[Direction, tuple[float, str]] = {d: (0.0, "") for d in totals}
    for j in near:
        sentence = sentences[j]
        aimed = bool(authority.search(sentence))
        for side, terms in ((Direction.SUPPORTIVE, lexicon.supportive),
                            (Direction.CRITICAL, lexicon.critical)):
            gained = _weigh(sentence, terms, lexicon.negation, aimed)
            totals[side] += gained
            if gained > best[side][0]:
                best[side] = (gained, sentence)
    lead = totals[Direction.SUPPORTIVE] - totals[Direction.CRITICAL]
    if abs(lead) < lexicon.margin or max(totals.values()) == 0:
        return DirectionMatch(Direction.NEUTRAL, abs(lead), sentences[about[0]])
    side = Direction.SUPPORTIVE if lead > 0 else Direction.CRITICAL
    return DirectionMatch(side, abs(lead), best[side][1])
