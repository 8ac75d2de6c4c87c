"""Score documents against a profile's priority themes, with the passage that explains the score.

Each theme is represented by the embeddings of its description and example phrases (its
prototypes). A text's similarity to a theme blends its best-matching phrase with the theme's
centroid. A document's raw score per theme blends its best chunk with the whole document, is
lifted or lowered by how much the theme stands out from the document's other themes, and is
mapped to [0, 1] by a logistic calibration whose parameters live in config/nlp.yaml.

`score_themes` and `select_evidence` are pure functions of vectors; `classify_themes` runs both
for one document with an injected encoder; nlp/enrich.py batches the same steps over many.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from nlp.config import NlpConfig, ThemeScoringConfig
from nlp.encoder import TextEncoder
from nlp.sentences import count_words, split_sentences
from warehouse.profiles import Profile
from warehouse.records import Chunk, ThemeScore


@dataclass(frozen=True)
class ThemePrototypes:
    """Embedded themes of one profile: phrases grouped by theme, plus one centroid per theme."""

    profile_id: str
    theme_ids: tuple[str, ...]
    phrases: np.ndarray  # (phrases, dim), grouped by theme in theme order
    offsets: np.ndarray  # index of each theme's first phrase in `phrases`
    centroids: np.ndarray  # (themes, dim), L2-normalised


@dataclass(frozen=True)
class ThemeMatch:
    """Scores of one document: calibrated score and best chunk per theme (theme order)."""

    scores: np.ndarray  # (themes,) in [0, 1]
    best_chunks: np.ndarray  # (themes,) chunk index


def build_theme_prototypes(profile: Profile, encoder: TextEncoder) -> ThemePrototypes:
    """Embed the description and every example phrase of each theme in one encoder call."""
    texts: list[str] = []
    offsets: list[int] = []
    for theme in profile.themes:
        offsets.append(len(texts))
        texts.extend([theme.description, *theme.examples])
    phrases = np.asarray(encoder.encode(texts), dtype=np.float32)
    bounds = [*offsets, len(texts)]
    centroids = np.stack([_normalise(phrases[a:b].mean(axis=0)) for a, b in pairwise(bounds)])
    return ThemePrototypes(
        profile_id=profile.id,
        theme_ids=tuple(theme.id for theme in profile.themes),
        phrases=phrases,
        offsets=np.asarray(offsets, dtype=np.intp),
        centroids=centroids.astype(np.float32),
    )


def theme_similarity(
    vectors: np.ndarray, prototypes: ThemePrototypes, settings: ThemeScoringConfig
) -> np.ndarray:
    """(texts, themes) similarity: best phrase blended with the theme centroid."""
    best_phrase = np.maximum.reduceat(vectors @ prototypes.phrases.T, prototypes.offsets, axis=1)
    centroid = vectors @ prototypes.centroids.T
    weight = settings.phrase_weight
    return weight * best_phrase + (1.0 - weight) * centroid


def score_themes(
    chunk_embeddings: np.ndarray, prototypes: ThemePrototypes, settings: ThemeScoringConfig
) -> ThemeMatch:
    """Calibrated theme scores of one document from its chunk vectors (chunk 0 = title)."""
    if len(chunk_embeddings) == 0:
        raise ValueError("a document has at least one chunk (its title) to score")
    chunk_sims = theme_similarity(chunk_embeddings, prototypes, settings)
    best_chunks = chunk_sims.argmax(axis=0)
    best = chunk_sims.max(axis=0)
    document = theme_similarity(_document_vector(chunk_embeddings)[None, :], prototypes, settings)
    raw = settings.chunk_weight * best + (1.0 - settings.chunk_weight) * document[0]
    adjusted = raw + settings.relative_weight * (raw - raw.mean())
    scores = 1.0 / (1.0 + np.exp(-settings.steepness * (adjusted - settings.midpoint)))
    return ThemeMatch(scores=np.clip(scores, 0.0, 1.0), best_chunks=best_chunks)


def _document_vector(chunk_embeddings: np.ndarray) -> np.ndarray:
    """Title and summary weigh as much as the whole body together."""
    if len(chunk_embeddings) == 1:
        return _normalise(chunk_embeddings[0])
    return _normalise(chunk_embeddings[0] + chunk_embeddings[1:].mean(axis=0))


def evidence_chunks(match: ThemeMatch, settings: ThemeScoringConfig) -> list[int]:
    """The few distinct chunks whose sentences are worth encoding, best-scoring themes first."""
    order = np.argsort(-match.scores, kind="stable")
    chosen: list[int] = []
    for theme_index in order:
        chunk_index = int(match.best_chunks[theme_index])
        if chunk_index not in chosen:
            chosen.append(chunk_index)
        if len(chosen) == settings.evidence_max_chunks:
            break
    return chosen


def candidate_sentences(
    chunks: list[Chunk], chunk_indices: list[int], settings: ThemeScoringConfig
) -> list[tuple[int, str]]:
    """(chunk index, sentence) pairs to encode for evidence; very short fragments are skipped."""
    pairs: list[tuple[int, str]] = []
    for index in chunk_indices:
        sentences = split_sentences(chunks[index].text)
        substantial = [s for s in sentences if count_words(s) >= 4] or sentences
        pairs.extend((index, s) for s in substantial[: settings.evidence_max_sentences])
    return pairs


def select_evidence(
    match: ThemeMatch,
    sentences: list[tuple[int, str]],
    sentence_embeddings: np.ndarray,
    prototypes: ThemePrototypes,
    settings: ThemeScoringConfig,
) -> list[str]:
    """Per theme, the best candidate sentence, preferring sentences from its own best chunk."""
    if not sentences:
        return [""] * len(prototypes.theme_ids)
    sims = theme_similarity(sentence_embeddings, prototypes, settings)
    origin = np.asarray([index for index, _ in sentences])
    evidence: list[str] = []
    for theme_index in range(len(prototypes.theme_ids)):
        column = sims[:, theme_index].copy()
        own = origin == match.best_chunks[theme_index]
        if own.any():
            column[~own] = -np.inf
        evidence.append(_clip(sentences[int(column.argmax())][1], settings.evidence_max_chars))
    return evidence


def to_theme_scores(
    document_id: uuid.UUID,
    match: ThemeMatch,
    evidence: list[str],
    prototypes: ThemePrototypes,
    config: NlpConfig,
) -> list[ThemeScore]:
    return [
        ThemeScore(
            document_id=document_id,
            profile=prototypes.profile_id,
            theme=theme_id,
            score=round(float(match.scores[i]), 6),
            above_threshold=bool(
                match.scores[i] >= config.themes.threshold(prototypes.profile_id, theme_id)
            ),
            evidence=evidence[i],
            model_version=config.model_version,
        )
        for i, theme_id in enumerate(prototypes.theme_ids)
    ]


def classify_themes(
    document_id: uuid.UUID,
    chunks: list[Chunk],
    chunk_embeddings: np.ndarray,
    prototypes: ThemePrototypes,
    encoder: TextEncoder,
    config: NlpConfig,
) -> list[ThemeScore]:
    """Theme scores of one document, one per profile theme, with evidence sentences."""
    match = score_themes(chunk_embeddings, prototypes, config.themes)
    sentences = candidate_sentences(chunks, evidence_chunks(match, config.themes), config.themes)
    vectors = encoder.encode([text for _, text in sentences])
    evidence = select_evidence(match, sentences, vectors, prototypes, config.themes)
    return to_theme_scores(document_id, match, evidence, prototypes, config)


def _normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
