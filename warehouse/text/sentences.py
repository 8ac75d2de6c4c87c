"""Cheap, deterministic sentence splitting by punctuation and line breaks (no model).

Good enough to pack chunks and to pick an evidence sentence; it keeps character offsets so a
chunk can say where in the body it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# Titles and abbreviations whose full stop does not end a sentence ("Dr. Patel", "No. 10").
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "Rt", "Hon", "No", "Sir", "Prof", "Cllr", "Rev")
# End of a sentence: . ! or ? (plus closing quotes/brackets), whitespace, then something that
# starts a sentence. "e.g. the" does not split, nor "Mr. Smith".
_BOUNDARY = re.compile("".join(rf"(?<!\b{a})" for a in _ABBREVIATIONS)
                       + r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9£])")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\S+")


class Span(NamedTuple):
    start: int
    end: int


def iter_sentence_spans(text: str) -> Iterator[Span]:
    """Spans of the sentences in `text`; every line break also ends a sentence."""
    for line in _LINE.finditer(text):
        start = line.start()
        for boundary in _BOUNDARY.finditer(text, line.start(), line.end()):
            yield from _stripped(text, start, boundary.end())
            start = boundary.end()
        yield from _stripped(text, start, line.end())


def _stripped(text: str, start: int, end: int) -> Iterator[Span]:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    if right > left:
        yield Span(start + left, start + right)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace-normalised."""
    return [normalise_space(text[span.start:span.end]) for span in iter_sentence_spans(text)]


def word_windows(text: str, span: Span, max_words: int) -> Iterator[Span]:
    """Cut one over-long span into consecutive spans of at most `max_words` words."""
    words = list(_WORD.finditer(text, span.start, span.end))
    for first in range(0, len(words), max_words):
        window = words[first:first + max_words]
        yield Span(window[0].start(), window[-1].end())


def count_words(text: str) -> int:
    return len(text.split())


def normalise_space(text: str) -> str:
    return " ".join(text.split())
