"""Cut a document into encoder-sized chunks: chunk 0 is title and summary, then the body.

The body is packed sentence by sentence into chunks of about `target_words` words, never more
than `max_words`, closing early at a paragraph break once a chunk has `min_words`. Documents with
more chunks than `max_chunks` keep chunks spread evenly over the whole body, so the output (and
the encoding cost) is bounded whatever the size of the page. Pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from nlp.config import ChunkingConfig, NlpConfig
from warehouse.records import Chunk, Document
from warehouse.text import count_words, iter_sentence_spans, normalise_space, word_windows


class _Unit(NamedTuple):
    """A sentence (or a window of an over-long sentence) of the body."""

    start: int
    end: int
    words: int
    opens_paragraph: bool


def chunk_document(document: Document, config: NlpConfig | ChunkingConfig) -> list[Chunk]:
    """Chunk 0 (title and summary) followed by at most `max_chunks - 1` body chunks."""
    settings = config.chunking if isinstance(config, NlpConfig) else config
    chunks = [Chunk.of(document.id, 0, _head_text(document, settings.max_words))]
    if settings.max_chunks == 1:
        return chunks
    body = document.body_text[: settings.max_body_chars]
    spans = list(_pack(_units(body, settings.max_words), settings))
    for span in _spread(spans, settings.max_chunks - 1):
        text = _join(body, span)
        chunks.append(Chunk.of(document.id, len(chunks), text, start_char=span[0].start))
    return chunks


def _head_text(document: Document, max_words: int) -> str:
    head = normalise_space(document.title)
    summary = normalise_space(document.summary)
    if summary and summary != head:
        head = f"{head}\n{summary}"
    words = head.split(" ")
    return head if len(words) <= max_words else " ".join(words[:max_words])


def _units(body: str, max_words: int) -> Iterator[_Unit]:
    previous_end = 0
    for span in iter_sentence_spans(body):
        opens_paragraph = previous_end == 0 or "\n" in body[previous_end:span.start]
        previous_end = span.end
        words = count_words(body[span.start:span.end])
        if words <= max_words:
            yield _Unit(span.start, span.end, words, opens_paragraph)
            continue
        for index, window in enumerate(word_windows(body, span, max_words)):
            yield _Unit(window.start, window.end, max_words, opens_paragraph and index == 0)


def _pack(units: Iterator[_Unit], settings: ChunkingConfig) -> Iterator[list[_Unit]]:
    current: list[_Unit] = []
    carried = 0  # how many units at the start of `current` repeat the previous chunk
    for unit in units:
        size = sum(u.words for u in current)
        full = (
            size + unit.words > settings.max_words
            or size >= settings.target_words
            or (unit.opens_paragraph and size >= settings.min_words)
        )
        if current and full and len(current) > carried:
            yield current
            current = [] if unit.opens_paragraph else _overlap(current, unit, settings)
            carried = len(current)
        current.append(unit)
    if len(current) > carried:
        yield current


def _overlap(previous: list[_Unit], unit: _Unit, settings: ChunkingConfig) -> list[_Unit]:
    """The last sentences of the previous chunk, if they are short enough to repeat."""
    if settings.overlap_sentences == 0:
        return []
    tail = previous[-settings.overlap_sentences:]
    words = sum(u.words for u in tail)
    if words > settings.target_words // 3 or words + unit.words > settings.max_words:
        return []
    return tail


def _spread(spans: list[list[_Unit]], limit: int) -> list[list[_Unit]]:
    """At most `limit` chunks, evenly spaced over the body and always keeping the first."""
    if len(spans) <= limit:
        return spans
    if limit == 1:
        return spans[:1]
    last = len(spans) - 1
    return [spans[round(i * last / (limit - 1))] for i in range(limit)]


def _join(body: str, units: list[_Unit]) -> str:
    return " ".join(normalise_space(body[u.start:u.end]) for u in units)

