"""Enrich many documents at once: chunk, embed, themes with evidence, signal, place, funding.

Encoding is the cost floor, so every chunk of every document goes through the encoder in a few
large calls (the encoder sorts each call by length and batches it), and only a few sentences per
document (those of its best chunks) are encoded again for evidence. spaCy runs once per document
on its first few thousand characters; the lexicon and regex steps are linear in a bounded text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.encoder import TextEncoder
from nlp.funding import extract_funding
from nlp.kit import EnrichmentKit
from nlp.places import find_mentions, score_region
from nlp.signals import classify_signal
from nlp.themes import (
    ThemeMatch,
    candidate_sentences,
    evidence_chunks,
    score_themes,
    select_evidence,
    to_theme_scores,
)
from warehouse.records import Document, DocumentInsight, Enrichment

# Texts per encoder call, in batches: large enough for length-sorting, small enough for memory.
_BATCHES_PER_CALL = 8


def enrich_documents(
    documents: Sequence[Document],
    kit: EnrichmentKit,
    encoder: TextEncoder,
    config: NlpConfig,
    *,
    now: datetime | None = None,
) -> list[Enrichment]:
    """One Enrichment (with its insight) per document, in input order."""
    _check_compatible(kit, encoder, config)
    if not documents:
        return []
    now = now or datetime.now(UTC)
    chunked = [chunk_document(document, config) for document in documents]
    vectors = embed_texts([c.text for chunks in chunked for c in chunks], encoder, config)
    per_document = _split(vectors, [len(chunks) for chunks in chunked])

    matches = [score_themes(v, kit.themes) for v in per_document]
    candidates = [
        candidate_sentences(chunks, evidence_chunks(match, config.themes), config.themes)
        for chunks, match in zip(chunked, matches, strict=True)
    ]
    sentence_vectors = embed_texts(
        [text for pairs in candidates for _, text in pairs], encoder, config
    )
    per_document_sentences = _split(sentence_vectors, [len(pairs) for pairs in candidates])
    entities = _entities(documents, kit, config)

    enrichments = []
    for index, (document, chunks, chunk_vectors, match, pairs, pair_vectors) in enumerate(zip(
        documents, chunked, per_document, matches, candidates, per_document_sentences, strict=True
    )):
        evidence = select_evidence(match, pairs, pair_vectors, kit.themes, config.themes)
        insight = build_insight(document, match, kit, config, now, entities[index])
        enrichments.append(Enrichment(
            document_id=document.id,
            chunks=chunks,
            embeddings=chunk_vectors.tolist(),
            theme_scores=to_theme_scores(document.id, match, evidence, kit.themes, config),
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
) -> DocumentInsight:
    """Signal, place relevance and funding facts of one document (themes already scored)."""
    head, body = _head(document), document.body_text
    mentions = find_mentions(head, body, kit.gazetteer, config.places, entity_spans)
    region = score_region(mentions, float(match.scores.max(initial=0.0)), config.places)
    signal = classify_signal(document, kit.signals, config.signals,
                             region_pattern=kit.authority, now=now)
    funding = extract_funding(document, kit.funding, config.funding, kit.region_names)
    return DocumentInsight(
        document_id=document.id, profile=kit.profile.id, signal=signal.signal,
        signal_score=signal.score, signal_reason=signal.reason, matched_terms=signal.terms,
        region_score=region.score, places=region.places, people=region.people, funding=funding,
        model_version=config.model_version,
    )


def _head(document: Document) -> str:
    return "\n".join(s for s in (document.title, document.summary) if s.strip())


def _entities(
    documents: Sequence[Document], kit: EnrichmentKit, config: NlpConfig
) -> list[list[tuple[int, int, str]] | None]:
    """Named entities over the first characters of `head + "\\n" + body` of each document."""
    if kit.tagger is None:
        return [None] * len(documents)
    texts = [f"{_head(d)}\n{d.body_text[: config.places.spacy_max_chars]}" for d in documents]
    return [[(start, end, text) for start, end, text, _ in found]
            for found in kit.tagger.entities(texts)]


def embed_texts(texts: list[str], encoder: TextEncoder, config: NlpConfig) -> np.ndarray:
    """Encode texts in a few large calls; rows are L2-normalised float32."""
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    step = config.encoder.batch_size * _BATCHES_PER_CALL
    parts = [encoder.encode(texts[i:i + step]) for i in range(0, len(texts), step)]
    return np.asarray(np.concatenate(parts), dtype=np.float32)


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



