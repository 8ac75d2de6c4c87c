"""Candidate sentences of the retrieved documents, their scores, and maximal marginal relevance.

Pure functions: the caller encodes the sentences and the topic (any `TextEncoder`) and passes
the vectors in. A sentence's score weighs how central it is to the topic, how recent its
document is and whether it names the region; MMR then trades that score against similarity
to the sentences already chosen (Carbonell & Goldstein 1998), one sentence per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from delivery.brief.config import BottomLine, Sentences
from delivery.brief.figures import has_amount
from delivery.brief.model import SourceRow
from delivery.text import sentences
from warehouse.config.profiles import Profile

_LETTER = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[a-z0-9£%]+")
_PROSE = re.compile(r"\b(?!(?:million|billion|thousand)\b)[a-z]{3,}\b")
_MIN_PROSE_WORDS = 4  # fewer lower-case words: a table row or a heading, not a sentence


@dataclass
class Candidate:
    row: SourceRow
    text: str
    position: int  # order within its document
    topic: float = 0.0  # cosine to the topic
    region: bool = False  # names the region, a council or a place
    score: float = 0.0
    fragment: bool = False  # a table row or heading ("Authority: £58 million"), not a sentence


def region_pattern(profile: Profile) -> re.Pattern[str]:
    region = profile.region
    names = sorted({region.name, *region.aliases, *region.councils, *region.places},
                   key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names if n) + r")\b")


def extract_candidates(rows: list[SourceRow], settings: Sentences) -> list[Candidate]:
    """The first sentences of each document's summary and body, deduplicated per document."""
    out: list[Candidate] = []
    for row in rows[:settings.documents]:
        seen: set[str] = set()
        lines = [line for field in (row.summary, row.body_text) for line in field.splitlines()]
        for line in lines:
            for sentence in sentences(line):
                text = " ".join(sentence.split())
                words = len(text.split())
                fragment = len(set(_PROSE.findall(text))) < _MIN_PROSE_WORDS
                if (text in seen or text == row.title or not _LETTER.search(text)
                        or words > settings.max_words or text.endswith(":")
                        or text[0].islower() or (fragment and not has_amount(text))
                        or (words < settings.min_words and not fragment)):
                    continue
                seen.add(text)
                out.append(Candidate(row, text, len(seen), fragment=fragment))
                if len(seen) >= settings.per_document:
                    break
            if len(seen) >= settings.per_document:
                break
    return out


def score_candidates(candidates: list[Candidate], vectors: np.ndarray, topic: np.ndarray | None,
                     as_of: date, span_days: int, region: re.Pattern[str],
                     settings: BottomLine) -> None:
    """Fill each candidate's topic similarity, region flag and combined score, in place."""
    sims = vectors @ topic if topic is not None and len(candidates) else np.zeros(len(candidates))
    span = max(span_days, 14)
    w = settings.weights
    for candidate, sim in zip(candidates, sims, strict=True):
        published = candidate.row.published_at
        age = (as_of - published.date()).days if published else span
        recency = 1.0 - min(max(age, 0) / span, 1.0)
        candidate.topic = float(sim)
        candidate.region = bool(region.search(candidate.text))
        place = 1.0 if candidate.region else 0.5 * candidate.row.region_score
        candidate.score = w.topic * candidate.topic + w.recency * recency + w.region * place


def mmr(candidates: list[Candidate], vectors: np.ndarray, settings: BottomLine,
        one_per_document: bool = True) -> list[int]:
    """Indexes of the chosen candidates, in the order chosen."""
    sentences = [i for i, c in enumerate(candidates) if not c.fragment]
    pool = [i for i in sentences if candidates[i].topic >= settings.min_topic]
    if len(pool) < settings.min:  # a short paper still gets its best sentences
        pool = sorted(sentences, key=lambda i: -candidates[i].topic)[:settings.max]
    chosen: list[int] = []
    used: set = set()
    lam = settings.mmr_lambda
    while pool and len(chosen) < settings.max:
        def gain(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            return lam * candidates[i].score - (1 - lam) * redundancy

        best = max(pool, key=lambda i: (gain(i), -i))
        chosen.append(best)
        used.add(candidates[best].row.id)
        pool = [i for i in pool if i != best and not (
            one_per_document and candidates[i].row.id in used)]
    return chosen


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def near_duplicates(texts: list[str], threshold: float = 0.6) -> int:
    """Pairs of sentences whose word sets overlap by at least `threshold` (Jaccard)."""
    sets = [words(t) for t in texts]
    pairs = 0
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            union = sets[i] | sets[j]
            if union and len(sets[i] & sets[j]) / len(union) >= threshold:
                pairs += 1
    return pairs
