"""When nothing matches well: a result is kept only if it is a strong match for the query.

A result is strong when its best passage is close in meaning (cosine of the query vector and the
passage's chunk at least MIN_COSINE) or holds every content word of the query (the same word
forms the page highlights). Reciprocal-rank fusion always fills the list, so without this floor
"zzqx unicorn spaceport" returns 20 documents.
"""

from __future__ import annotations

import re

from warehouse.search.keyword import split_query
from warehouse.search.models import SearchResult
from warehouse.search.text import _STOP

# Chosen by bench/search_floor.py on our own queries over the demo snapshot (docs/web.md): the
# off-topic queries' best cosine is at most 0.258, the judged answers' at least 0.259 (median
# 0.54); 0.28 keeps a margin above the off-topic ones and loses 1 of 16 answers.
MIN_COSINE = 0.28
_WORD = re.compile(r"[A-Za-z0-9]+")


def _stem(word: str) -> str:
    word = word.lower()
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def query_terms(query: str) -> set[str]:
    """The query's content words, as the stems the highlighter matches."""
    free, _ = split_query(query)
    return {_stem(w) for w in {w.lower() for w in _WORD.findall(free)} - _STOP}


def is_strong(result: SearchResult, query: str, min_cosine: float = MIN_COSINE) -> bool:
    if result.scores.dense_score is not None and result.scores.dense_score >= min_cosine:
        return True
    terms = query_terms(query)
    if not terms:
        return False
    text = result.passage.text
    marked = {_stem(w) for start, end in result.passage.highlights
              for w in _WORD.findall(text[start:end])}
    return all(any(m.startswith(t) for m in marked) for t in terms)


def strong_results(results: list[SearchResult], query: str,
                   min_cosine: float = MIN_COSINE) -> list[SearchResult]:
    """The strong matches among `results`, in their order (all of them for an empty query:
    a filter-only listing has nothing to match)."""
    if not query.strip():
        return results
    return [r for r in results if is_strong(r, query, min_cosine)]
