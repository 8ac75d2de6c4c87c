"""Enrich many documents at once: chunk, embed, score themes, pick evidence.

Encoding is the cost floor, so every chunk of every document goes through the encoder in a few
large calls (the encoder sorts each call by length and batches it), and only a few sentences per
document (those of its best chunks) are encoded again for evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.encoder import TextEncoder
from nlp.themes import (
    ThemeMatch,
    ThemePrototypes,
    build_theme_prototypes,
    candidate_sentences,
    evidence_chunks,
    score_themes,
    select_evidence,
    to_theme_scores,
)
from warehouse.profiles import Profile
from warehouse.records import Chunk, Document, Enrichment

# Texts per encoder call, in batches: large enough for length-sorting, small enough for memory.
_BATCHES_PER_CALL = 8


def enrich_documents(
    documents: Sequence[Document],
    profile: Profile,
    encoder: TextEncoder,
    config: NlpConfig,
    prototypes: ThemePrototypes | None = None,
) -> list[Enrichment]:
    """One Enrichment per document, in input order. Pass `prototypes` to reuse them across calls."""
    if prototypes is None:
        prototypes = build_theme_prototypes(profile, encoder)
    _check_compatible(profile, encoder, config, prototypes)
    if not documents:
        return []
    chunked = [chunk_document(document, config) for document in documents]
    vectors = embed_texts([c.text for chunks in chunked for c in chunks], encoder, config)
    per_document = _split(vectors, [len(chunks) for chunks in chunked])

    matches = [score_themes(v, prototypes, config.themes) for v in per_document]
    candidates = [
        candidate_sentences(chunks, evidence_chunks(match, config.themes), config.themes)
        for chunks, match in zip(chunked, matches, strict=True)
    ]
    sentence_vectors = embed_texts(
        [text for pairs in candidates for _, text in pairs], encoder, config
    )
    per_document_sentences = _split(sentence_vectors, [len(pairs) for pairs in candidates])

    enrichments = []
    for document, chunks, chunk_vectors, match, pairs, pair_vectors in zip(
        documents, chunked, per_document, matches, candidates, per_document_sentences, strict=True
    ):
        evidence = select_evidence(match, pairs, pair_vectors, prototypes, config.themes)
        enrichments.append(
            _enrichment(document, chunks, chunk_vectors, match, evidence, prototypes, config)
        )
    return enrichments


def embed_texts(texts: list[str], encoder: TextEncoder, config: NlpConfig) -> np.ndarray:
    """Encode texts in a few large calls; rows are L2-normalised float32."""
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    step = config.encoder.batch_size * _BATCHES_PER_CALL
    parts = [encoder.encode(texts[i:i + step]) for i in range(0, len(texts), step)]
    return np.asarray(np.concatenate(parts), dtype=np.float32)


def _enrichment(
    document: Document,
    chunks: list[Chunk],
    chunk_vectors: np.ndarray,
    match: ThemeMatch,
    evidence: list[str],
    prototypes: ThemePrototypes,
    config: NlpConfig,
) -> Enrichment:
    return Enrichment(
        document_id=document.id,
        chunks=chunks,
        embeddings=chunk_vectors.tolist(),
        theme_scores=to_theme_scores(document.id, match, evidence, prototypes, config),
        model_version=config.model_version,
    )


def _split(vectors: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    bounds = np.cumsum(sizes)[:-1]
    return np.split(vectors, bounds)


def _check_compatible(
    profile: Profile, encoder: TextEncoder, config: NlpConfig, prototypes: ThemePrototypes
) -> None:
    if prototypes.profile_id != profile.id:
        raise ValueError(
            f"theme prototypes are for profile {prototypes.profile_id!r}, not {profile.id!r}"
        )
    if encoder.dimension != config.encoder.dimension:
        raise ValueError(
            f"encoder gives {encoder.dimension}-d vectors; config encoder.dimension is "
            f"{config.encoder.dimension}"
        )
    if prototypes.phrases.shape[1] != encoder.dimension:
        raise ValueError("theme prototypes were built with a different encoder")
