"""Score documents against a profile's priority themes, with the passage that explains the score.

Each theme gets a logistic-regression head over sentence vectors, trained at start-up on the
profile's own description and example phrases (one-vs-rest, class-balanced): the phrases are the
labelled data, so a new profile needs no code. A document is scored on its document vector (title
chunk plus the mean body chunk); per-chunk scores say which chunk carries each theme, and the
best sentence of that chunk is kept as evidence. Per-theme thresholds come from config, fitted on
the dev part of the labelled set (bench/eval_themes.py); measured against prototype similarity
and a title/theme-name cosine baseline there.

`build_theme_model`, `score_themes` and `select_evidence` are pure functions of vectors (the
encoder is injected); nlp/enrich.py batches them over many documents.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlp.config import NlpConfig, ThemeScoringConfig
from nlp.encoder import TextEncoder
from warehouse.config.profiles import Profile
from warehouse.records import Chunk, ThemeScore
from warehouse.text import count_words, iter_sentence_spans, normalise_space


@dataclass(frozen=True)
class ThemeModel:
    """A linear head per theme: probability = sigmoid(vector @ weights[t] + bias[t])."""

    profile_id: str
    theme_ids: tuple[str, ...]
    weights: np.ndarray  # (themes, dim)
    bias: np.ndarray  # (themes,)
    dimension: int
    # Fitted heads (config/theme_heads/) carry their own calibrated thresholds; None: config's.
    thresholds: np.ndarray | None = None
    version: str = ""  # the heads file's model version ("" for heads fitted on phrases alone)

    def threshold(self, index: int, settings: ThemeScoringConfig) -> float:
        if self.thresholds is not None:
            return float(self.thresholds[index])
        return settings.threshold(self.profile_id, self.theme_ids[index])


@dataclass(frozen=True)
class ThemeMatch:
    """Scores of one document: probability and best chunk per theme (theme order)."""

    scores: np.ndarray  # (themes,) in [0, 1]
    best_chunks: np.ndarray  # (themes,) chunk index


def theme_training_texts(profile: Profile) -> tuple[list[str], list[int]]:
    """Each theme's description and examples, with the index of their theme."""
    texts: list[str] = []
    labels: list[int] = []
    for index, theme in enumerate(profile.themes):
        for text in (theme.name, theme.description, *theme.examples):
            texts.append(text)
            labels.append(index)
    return texts, labels


def build_theme_model(
    profile: Profile, encoder: TextEncoder, settings: ThemeScoringConfig
) -> ThemeModel:
    """Embed the profile's phrases in one encoder call and fit one head per theme."""
    texts, labels = theme_training_texts(profile)
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    return fit_theme_model(profile, vectors, np.asarray(labels), settings)


def fit_theme_model(
    profile: Profile, vectors: np.ndarray, labels: np.ndarray, settings: ThemeScoringConfig
) -> ThemeModel:
    weights = np.zeros((len(profile.themes), vectors.shape[1]), dtype=np.float32)
    bias = np.zeros(len(profile.themes), dtype=np.float32)
    for index in range(len(profile.themes)):
        target = labels == index
        head = LogisticRegression(C=settings.head_c, class_weight="balanced", max_iter=2000)
        head.fit(vectors, target)
        weights[index] = head.coef_[0]
        bias[index] = head.intercept_[0]
    return ThemeModel(profile.id, tuple(t.id for t in profile.themes), weights, bias,
                      int(vectors.shape[1]))


def theme_probabilities(vectors: np.ndarray, model: ThemeModel) -> np.ndarray:
    """(texts, themes) probabilities in [0, 1]."""
    logits = np.asarray(vectors, dtype=np.float32) @ model.weights.T + model.bias
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))


def document_vector(chunk_embeddings: np.ndarray) -> np.ndarray:
    """Title and summary weigh as much as the whole body together; L2-normalised."""
    if len(chunk_embeddings) == 1:
        return _normalise(chunk_embeddings[0])
    return _normalise(chunk_embeddings[0] + chunk_embeddings[1:].mean(axis=0))


def score_themes(chunk_embeddings: np.ndarray, model: ThemeModel) -> ThemeMatch:
    """Theme probabilities of one document from its chunk vectors (chunk 0 = title)."""
    if len(chunk_embeddings) == 0:
        raise ValueError("a document has at least one chunk (its title) to score")
    document = theme_probabilities(document_vector(chunk_embeddings)[None, :], model)[0]
    per_chunk = theme_probabilities(chunk_embeddings, model)
    return ThemeMatch(scores=np.clip(document, 0.0, 1.0), best_chunks=per_chunk.argmax(axis=0))


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
    return [(index, text) for index in chunk_indices
            for _, text in sentence_candidates(chunks[index].text, settings)]


def sentence_candidates(text: str, settings: ThemeScoringConfig
                        ) -> list[tuple[tuple[int, int], str]]:
    """The chunk's first `evidence_max_sentences` substantial sentences: (span, sentence)."""
    pairs = [((span.start, span.end), normalise_space(text[span.start:span.end]))
             for span in iter_sentence_spans(text)]
    substantial = [pair for pair in pairs if count_words(pair[1]) >= 4] or pairs
    return substantial[: settings.evidence_max_sentences]


def select_evidence(
    match: ThemeMatch,
    sentences: list[tuple[int, str]],
    sentence_embeddings: np.ndarray,
    model: ThemeModel,
    settings: ThemeScoringConfig,
) -> list[str]:
    """Per theme, the most probable candidate sentence, preferring its own best chunk."""
    if not sentences:
        return [""] * len(model.theme_ids)
    probabilities = theme_probabilities(sentence_embeddings, model)
    origin = np.asarray([index for index, _ in sentences])
    evidence: list[str] = []
    for theme_index in range(len(model.theme_ids)):
        column = probabilities[:, theme_index].copy()
        own = origin == match.best_chunks[theme_index]
        if own.any():
            column[~own] = -np.inf
        evidence.append(_clip(sentences[int(column.argmax())][1], settings.evidence_max_chars))
    return evidence


def tentative_theme(scores: np.ndarray, thresholds: np.ndarray,
                    settings: ThemeScoringConfig) -> int | None:
    """The best theme of a document with none above its threshold, when it is clearly ahead:
    at least `tentative_min_ratio` of its threshold and `tentative_margin` above the next."""
    if len(scores) == 0 or (scores >= thresholds).any():
        return None
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    second = float(scores[order[1]]) if len(scores) > 1 else 0.0
    ahead = float(scores[best]) - second >= settings.tentative_margin
    if ahead and scores[best] >= settings.tentative_min_ratio * thresholds[best]:
        return best
    return None


def to_theme_scores(
    document_id: uuid.UUID,
    match: ThemeMatch,
    evidence: list[str],
    model: ThemeModel,
    config: NlpConfig,
) -> list[ThemeScore]:
    thresholds = np.array([model.threshold(i, config.themes) for i in range(len(model.theme_ids))])
    tentative = tentative_theme(match.scores, thresholds, config.themes)
    return [
        ThemeScore(
            document_id=document_id,
            profile=model.profile_id,
            theme=theme_id,
            score=round(float(match.scores[i]), 6),
            above_threshold=bool(match.scores[i] >= thresholds[i]) or i == tentative,
            tentative=i == tentative,
            evidence=evidence[i],
            model_version=config.model_version,
        )
        for i, theme_id in enumerate(model.theme_ids)
    ]


def classify_themes(
    document_id: uuid.UUID,
    chunks: list[Chunk],
    chunk_embeddings: np.ndarray,
    model: ThemeModel,
    encoder: TextEncoder,
    config: NlpConfig,
) -> list[ThemeScore]:
    """Theme scores of one document, one per profile theme, with evidence sentences."""
    match = score_themes(chunk_embeddings, model)
    sentences = candidate_sentences(chunks, evidence_chunks(match, config.themes), config.themes)
    vectors = encoder.encode([text for _, text in sentences])
    evidence = select_evidence(match, sentences, vectors, model, config.themes)
    return to_theme_scores(document_id, match, evidence, model, config)


def _normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
