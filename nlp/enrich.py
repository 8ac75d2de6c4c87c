"""Enrich many documents at once: chunk, embed, themes with evidence, signal, place, funding.

Encoding is the cost floor, so every chunk of every document goes through the encoder together:
texts are sorted by length across documents and sent in a few large calls (each call is batched
by the encoder), so batches hold texts of similar length and padding is small. Only a few
sentences per document (those of its best chunks) are encoded again for evidence, again sorted
across documents. spaCy runs once over bounded windows of every document (the opening, and short
windows around later gazetteer mentions); lexicon and regex steps are linear in a bounded text.
`timings`, if given, collects seconds per stage (bench/enrich_throughput.py prints them).

`enrich_for_profiles` scores the same encoding for several profiles (a national deployment):
one chunking and encoding, then one cheap pass per profile (bench/profiles_cost.py measures it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.encoder import TextEncoder
from nlp.funding import extract_funding
from nlp.kit import EnrichmentKit
from nlp.places import find_mentions, ner_windows, score_region
from nlp.signals import classify_signal
from nlp.theme_evidence import match_with_evidence
from nlp.themes import (
    ThemeMatch,
    candidate_sentences,
    evidence_chunks,
    score_themes,
    select_evidence,
    sentence_candidates,
    to_theme_scores,
)
from warehouse.records import Chunk, Document, DocumentInsight, Enrichment

# Texts per encoder call, in batches: large enough for length-sorting, small enough for memory.
_BATCHES_PER_CALL = 8


@dataclass
class Encoded:
    """What enrichment computes once per document, whatever the profile: chunks and vectors."""

    documents: Sequence[Document]
    chunked: list[list[Chunk]]
    vectors: list[np.ndarray]  # per document, its chunk vectors
    sentences: list | None = None  # in-context evidence: candidate sentences of each chunk ...
    sentence_vectors: list[np.ndarray] | None = None  # ... and their vectors from its pass


def encode_documents(documents: Sequence[Document], encoder: TextEncoder, config: NlpConfig,
                     clock: dict[str, float] | None = None) -> Encoded:
    """Chunk and encode the documents (the cost floor), once for any number of profiles."""
    clock = clock if clock is not None else {}
    with _stage(clock, "chunking"):
        chunked = [chunk_document(document, config) for document in documents]
    texts = [c.text for chunks in chunked for c in chunks]
    sizes = [len(chunks) for chunks in chunked]
    if _in_context(encoder, config):
        with _stage(clock, "chunking"):
            sentences = [sentence_candidates(text, config.themes) for text in texts]
        with _stage(clock, "encode chunks"):
            vectors, sentence_vectors = embed_texts_with_spans(
                texts, [[span for span, _ in row] for row in sentences], encoder, config)
        return Encoded(documents, chunked, _split(vectors, sizes), sentences, sentence_vectors)
    with _stage(clock, "encode chunks"):
        vectors = embed_texts(texts, encoder, config)
    return Encoded(documents, chunked, _split(vectors, sizes))


def enrich_documents(
    documents: Sequence[Document],
    kit: EnrichmentKit,
    encoder: TextEncoder,
    config: NlpConfig,
    *,
    now: datetime | None = None,
    timings: dict[str, float] | None = None,
) -> list[Enrichment]:
    """One Enrichment (with its insight) per document, in input order."""
    return enrich_for_profiles(documents, [kit], encoder, config, now=now,
                               timings=timings)[kit.profile.id]


def enrich_for_profiles(
    documents: Sequence[Document],
    kits: Sequence[EnrichmentKit],
    encoder: TextEncoder,
    config: NlpConfig,
    *,
    now: datetime | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, list[Enrichment]]:
    """Per profile (kit), one Enrichment per document: the documents are chunked and encoded
    once, then themes, evidence, signal, places and funding are scored for each profile."""
    for kit in kits:
        _check_compatible(kit, encoder, config)
    if not documents:
        return {kit.profile.id: [] for kit in kits}
    clock = timings if timings is not None else {}
    encoded = encode_documents(documents, encoder, config, clock)
    return {kit.profile.id: score_encoded(encoded, kit, encoder, config,
                                          now=now or datetime.now(UTC), clock=clock)
            for kit in kits}


def score_encoded(encoded: Encoded, kit: EnrichmentKit, encoder: TextEncoder, config: NlpConfig,
                  *, now: datetime, clock: dict[str, float]) -> list[Enrichment]:
    """One profile's pass over encoded documents (the encoder is only needed for evidence
    sentences when they are not encoded in context)."""
    documents, chunked, per_document = encoded.documents, encoded.chunked, encoded.vectors
    with _stage(clock, "theme head"):
        matches = [match_with_evidence(score_themes(v, kit.themes), document, kit.evidence,
                                       kit.themes.theme_ids)
                   for document, v in zip(documents, per_document, strict=True)]
    with _stage(clock, "encode evidence sentences"):
        candidates, per_document_sentences = (
            _in_context_evidence(chunked, matches, encoded.sentences, encoded.sentence_vectors,
                                 encoder, config)
            if encoded.sentences is not None
            else _separate_evidence(chunked, matches, encoder, config))
    with _stage(clock, "spaCy entities"):
        entities = _entities(documents, kit, config)

    enrichments = []
    for index, (document, chunks, chunk_vectors, match, pairs, pair_vectors) in enumerate(zip(
        documents, chunked, per_document, matches, candidates, per_document_sentences, strict=True
    )):
        with _stage(clock, "theme head"):
            evidence = select_evidence(match, pairs, pair_vectors, kit.themes, config.themes)
            theme_scores = to_theme_scores(document.id, match, evidence, kit.themes, config)
        insight = build_insight(document, match, kit, config, now, entities[index], clock)
        enrichments.append(Enrichment(
            document_id=document.id,
            chunks=chunks,
            embeddings=chunk_vectors.tolist(),
            theme_scores=theme_scores,
            insight=insight,
            model_version=config.model_version,
        ))
    return enrichments


def build_insight(
    document: Document,
    match: ThemeMatch,
    kit: EnrichmentKit,
    config: NlpConfig,
    now: datetime,
    entity_spans: list[tuple[int, int, str]] | None = None,
    timings: dict[str, float] | None = None,
) -> DocumentInsight:
    """Signal, place relevance and funding facts of one document (themes already scored)."""
    clock = timings if timings is not None else {}
    head, body = _head(document), document.body_text
    with _stage(clock, "places"):
        mentions = find_mentions(head, body, kit.gazetteer, config.places, entity_spans)
        region = score_region(mentions, float(match.scores.max(initial=0.0)), config.places)
    with _stage(clock, "signals"):
        signal = classify_signal(document, kit.signals, config.signals,
                                 region_pattern=kit.authority, now=now,
                                 place_pattern=kit.gazetteer.pattern)
    with _stage(clock, "funding"):
        funding = extract_funding(document, kit.funding, config.funding, kit.region_names)
    return DocumentInsight(
        document_id=document.id, profile=kit.profile.id, signal=signal.signal,
        signal_score=signal.score, signal_reason=signal.reason, matched_terms=signal.terms,
        region_score=region.score, places=region.places, people=region.people, funding=funding,
        model_version=config.model_version,
    )


@contextmanager
def _stage(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def _head(document: Document) -> str:
    return "\n".join(s for s in (document.title, document.summary) if s.strip())


def _entities(
    documents: Sequence[Document], kit: EnrichmentKit, config: NlpConfig
) -> list[list[tuple[int, int, str]] | None]:
    """Named entities over bounded windows of `head + "\\n" + body` of each document."""
    if kit.tagger is None:
        return [None] * len(documents)
    heads = [_head(d) for d in documents]
    windows = [ner_windows(head, d.body_text, kit.gazetteer, config.places)
               for head, d in zip(heads, documents, strict=True)]
    texts = [f"{head}\n{d.body_text}" for head, d in zip(heads, documents, strict=True)]
    return [[(start, end, text) for start, end, text, _ in found]
            for found in kit.tagger.entities_in_windows(texts, windows)]


def embed_texts(texts: list[str], encoder: TextEncoder, config: NlpConfig) -> np.ndarray:
    """Encode texts in a few large calls, longest first; rows (input order) are L2-normalised."""
    out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    for rows in _calls(texts, config):
        out[rows] = encoder.encode([texts[i] for i in rows])
    return out


def embed_texts_with_spans(texts: list[str], spans: list[list[tuple[int, int]]],
                           encoder: TextEncoder, config: NlpConfig
                           ) -> tuple[np.ndarray, list[np.ndarray]]:
    """As embed_texts, plus in-context vectors of the character spans of each text."""
    out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    span_vectors: list[np.ndarray] = [np.zeros((0, encoder.dimension), dtype=np.float32)] * len(
        texts)
    for rows in _calls(texts, config):
        vectors, pooled = encoder.encode_with_spans(  # type: ignore[attr-defined]
            [texts[i] for i in rows], [spans[i] for i in rows])
        out[rows] = vectors
        for row, row_vectors in zip(rows, pooled, strict=True):
            span_vectors[row] = row_vectors
    return out, span_vectors


def _calls(texts: list[str], config: NlpConfig) -> list[np.ndarray]:
    """Row indexes of each encoder call: all texts sorted by length (longest first), then cut.

    Sorting the whole list before cutting it into calls keeps texts of similar length in the same
    batch across documents (each call is sorted again and batched by the encoder).
    """
    order = np.argsort([-len(text) for text in texts], kind="stable")
    step = config.encoder.batch_size * _BATCHES_PER_CALL
    return [order[start:start + step] for start in range(0, len(texts), step)]


def _separate_evidence(
    chunked: list[list[Chunk]], matches: list[ThemeMatch], encoder: TextEncoder,
    config: NlpConfig,
) -> tuple[list[list[tuple[int, str]]], list[np.ndarray]]:
    """Candidate sentences of each document's best chunks, each encoded again on its own."""
    candidates = [candidate_sentences(chunks, evidence_chunks(match, config.themes), config.themes)
                  for chunks, match in zip(chunked, matches, strict=True)]
    encoded = embed_texts([text for pairs in candidates for _, text in pairs], encoder, config)
    return candidates, _split(encoded, [len(pairs) for pairs in candidates])


def _in_context(encoder: TextEncoder, config: NlpConfig) -> bool:
    return (config.themes.evidence_encoding == "in_context"
            and callable(getattr(encoder, "encode_with_spans", None)))


def _in_context_evidence(
    chunked: list[list[Chunk]], matches: list[ThemeMatch],
    sentences: list[list[tuple[tuple[int, int], str]]], sentence_vectors: list[np.ndarray],
    encoder: TextEncoder, config: NlpConfig,
) -> tuple[list[list[tuple[int, str]]], list[np.ndarray]]:
    """Candidate sentences of each document's best chunks with their in-context vectors.

    A sentence past the encoder's token limit has no in-context vector: it is encoded on its
    own (rare: chunks are sized to fit)."""
    candidates, vectors, missing = [], [], []
    first = 0
    for document, (chunks, match) in enumerate(zip(chunked, matches, strict=True)):
        pairs, rows = [], []
        for index in evidence_chunks(match, config.themes):
            for (_, text), vector in zip(sentences[first + index],
                                         sentence_vectors[first + index], strict=True):
                if not vector.any():
                    missing.append((document, len(pairs), text))
                pairs.append((index, text))
                rows.append(vector)
        candidates.append(pairs)
        vectors.append(np.array(rows, dtype=np.float32).reshape(len(rows), encoder.dimension))
        first += len(chunks)
    if missing:
        encoded = embed_texts([text for _, _, text in missing], encoder, config)
        for (document, at, _), vector in zip(missing, encoded, strict=True):
            vectors[document][at] = vector
    return candidates, vectors


def _split(vectors: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    bounds = np.cumsum(sizes)[:-1]
    return np.split(vectors, bounds)


def _check_compatible(kit: EnrichmentKit, encoder: TextEncoder, config: NlpConfig) -> None:
    if encoder.dimension != config.encoder.dimension:
        raise ValueError(
            f"encoder gives {encoder.dimension}-d vectors; config encoder.dimension is "
            f"{config.encoder.dimension}"
        )
    if kit.themes.dimension != encoder.dimension:
        raise ValueError("the theme head was fitted with a different encoder")



