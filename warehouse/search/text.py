"""Pure text helpers of the search: which words to highlight, and the passage window to show."""

from __future__ import annotations

import re
from functools import lru_cache

from warehouse.search.keyword import phrase_pattern, split_query

PASSAGE_CHARS = 420
_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "since", "that", "the", "their", "this", "to",
    "was", "what", "were", "will", "with", "about", "all", "any", "everything", "mentions",
    "said", "how", "who", "why", "when", "where", "which",
})


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of the query's words (and word forms starting with them) and phrases."""
    pattern = _highlighter(query)
    spans = sorted(m.span() for m in pattern.finditer(text)) if pattern else []
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=256)
def _highlighter(query: str) -> re.Pattern[str] | None:
    """One pattern for the whole query (phrases first), so each text is scanned once."""
    free, phrases = split_query(query)
    patterns = [phrase_pattern(p).pattern for p in phrases]
    for word in sorted({w.lower() for w in _WORD.findall(free)} - _STOP, key=lambda w: -len(w)):
        stem = word[:-1] if len(word) > 4 and word.endswith("s") else word
        patterns.append(r"\b" + re.escape(stem) + r"\w*")
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


def passage_window(text: str, spans: list[tuple[int, int]], size: int = PASSAGE_CHARS
                   ) -> tuple[str, list[tuple[int, int]]]:
    """A window of about `size` characters around the densest matches, spans shifted into it."""
    if len(text) <= size:
        return text, spans
    best_start, best_hits = 0, -1
    for start, _ in spans or [(0, 0)]:
        begin = max(0, start - size // 4)
        hits = sum(1 for s, e in spans if s >= begin and e <= begin + size)
        if hits > best_hits:
            best_start, best_hits = begin, hits
    if best_start:  # start at a word boundary
        space = text.find(" ", best_start)
        best_start = space + 1 if 0 <= space < best_start + 30 else best_start
    end = min(len(text), best_start + size)
    window = text[best_start:end]
    prefix = "… " if best_start else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - best_start
    inside = [(s + shift, e + shift) for s, e in spans if s >= best_start and e <= end]
    return prefix + window + suffix, inside
