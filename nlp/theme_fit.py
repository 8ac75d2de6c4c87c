"""Fit a profile's theme heads on third-party labelled text, with the profile phrases as a prior.

The development set (`../shared/devsets/policy_topics_dev.jsonl`: manifesto sentences, Commons
motions, web-archive site descriptions, labelled by others and mapped to WMCA themes by label
name) is split by a hash of the row id into fit / calibration / test. Per theme:

- a logistic head over [text vector, prior_scale * cosine to each theme's phrase centroid],
  trained on the fit rows plus the profile's own phrases (weighted pseudo-examples). The centroid
  features are linear in the (unit) vector, so the head folds into one weight vector per theme;
- optionally (phrase_share) blended with the heads fitted on the phrases alone, each
  Platt-scaled on the calibration rows first;
- Platt scaling on the calibration rows, folded into the same weights, so a score is a
  calibrated probability (`expected_calibration_error` reports how well);
- a threshold chosen on the calibration rows for recall first (`target_recall` where precision
  stays at least `min_precision`, else the best F2).

The test rows are never used here. `heads_to_json` / `heads_from_json` write and read the small
committed file of numbers (config/theme_heads/<profile>.json); no text goes into it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlp.config import ThemeScoringConfig
from nlp.encoder import TextEncoder
from nlp.themes import ThemeModel, fit_theme_model, theme_training_texts
from warehouse.config.profiles import Profile


@dataclass(frozen=True)
class FitSettings:
    c: float = 1.0  # inverse L2 strength of each head
    prior_scale: float = 4.0  # centroid features are scaled up, so they are penalised less
    phrase_weight: float = 3.0  # sample weight of a profile phrase vs one devset row
    target_recall: float = 0.8
    min_precision: float = 0.3
    phrase_heads: bool = False  # phrase-only heads' directions as prior features too
    # Share of the heads fitted on the phrases alone in each theme's logit (both Platt-scaled on
    # the calibration rows first, the blend scaled again): 0 = devset heads only. The phrases
    # are written in the office's (and GOV.UK's) register, the devset in pledges and motions.
    # 0.2 chosen on the cross-source folds only (fit on manifesto+archive, scored on motions and
    # TWFY rows, full and title; and the other way round): mean macro-F1 0.463 (0) / 0.470 (0.2)
    # / 0.467 (0.35) / 0.464 (0.5) / 0.464 (0.65); no GOV.UK sample was used to choose it.
    phrase_share: float = 0.2
    phrase_head_c: float = 4.0  # the phrase-only heads' C (config/nlp.yaml themes.head_c)


def phrase_centroids(profile: Profile, phrase_vectors: np.ndarray) -> np.ndarray:
    """(themes, dim) unit centroids of each theme's name, description and examples."""
    _, labels = theme_training_texts(profile)
    labels = np.asarray(labels)
    centroids = np.stack([phrase_vectors[labels == j].mean(axis=0)
                          for j in range(len(profile.themes))])
    return centroids / np.linalg.norm(centroids, axis=1, keepdims=True)


def phrase_prior(profile: Profile, phrase_vectors: np.ndarray, settings: FitSettings
                 ) -> np.ndarray:
    """Prior directions, unit rows: each theme's phrase centroid and, with phrase_heads, the
    direction of the head fitted on the phrases alone (nlp/themes.py)."""
    centroids = phrase_centroids(profile, phrase_vectors)
    if not settings.phrase_heads:
        return centroids
    _, labels = theme_training_texts(profile)
    heads = fit_theme_model(profile, phrase_vectors, np.asarray(labels),
                            ThemeScoringConfig(head_c=4.0)).weights.astype(np.float64)
    return np.vstack([centroids, heads / np.linalg.norm(heads, axis=1, keepdims=True)])


def fit_linear_heads(
    vectors: np.ndarray, truth: np.ndarray, mask: np.ndarray, profile: Profile,
    phrase_vectors: np.ndarray, settings: FitSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """(weights (themes, dim), bias (themes,)) of the uncalibrated heads."""
    _, phrase_labels = theme_training_texts(profile)
    phrase_labels = np.asarray(phrase_labels)
    centroids = phrase_prior(profile, phrase_vectors, settings)
    themes = len(profile.themes)
    weights = np.zeros((themes, vectors.shape[1]), dtype=np.float64)
    bias = np.zeros(themes, dtype=np.float64)
    for j in range(themes):
        rows = mask[:, j]
        x = np.vstack([vectors[rows], phrase_vectors])
        y = np.concatenate([truth[rows, j], phrase_labels == j])
        w = np.concatenate([np.ones(int(rows.sum())),
                            np.full(len(phrase_vectors), settings.phrase_weight)])
        features = np.hstack([x, settings.prior_scale * (x @ centroids.T)])
        head = LogisticRegression(C=settings.c, class_weight="balanced", max_iter=3000)
        head.fit(features, y, sample_weight=w)
        coef = head.coef_[0]
        dim = vectors.shape[1]
        weights[j] = coef[:dim] + settings.prior_scale * coef[dim:] @ centroids
        bias[j] = head.intercept_[0]
    return weights, bias


def phrase_only_heads(profile: Profile, phrase_vectors: np.ndarray, settings: FitSettings
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(weights, bias) of the heads fitted on the profile phrases alone (nlp/themes.py)."""
    _, labels = theme_training_texts(profile)
    model = fit_theme_model(profile, phrase_vectors, np.asarray(labels),
                            ThemeScoringConfig(head_c=settings.phrase_head_c))
    return model.weights.astype(np.float64), model.bias.astype(np.float64)


def platt_scaled(weights: np.ndarray, bias: np.ndarray, vectors: np.ndarray, truth: np.ndarray,
                 mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The heads with Platt scaling on (vectors, truth) folded in."""
    logits = vectors @ weights.T + bias
    scaling = np.array([platt(logits[mask[:, j], j], truth[mask[:, j], j])
                        for j in range(len(weights))])
    return weights * scaling[:, :1], bias * scaling[:, 0] + scaling[:, 1]


def blend_with_phrases(
    heads: tuple[np.ndarray, np.ndarray], profile: Profile, phrase_vectors: np.ndarray,
    cal: tuple[np.ndarray, np.ndarray, np.ndarray], settings: FitSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """(1 - share) x devset heads + share x phrase-only heads, each calibrated on `cal`
    (vectors, truth, mask) first; still one linear head per theme."""
    fitted = platt_scaled(*heads, *cal)
    phrases = platt_scaled(*phrase_only_heads(profile, phrase_vectors, settings), *cal)
    share = settings.phrase_share
    return ((1 - share) * fitted[0] + share * phrases[0],
            (1 - share) * fitted[1] + share * phrases[1])


def platt(logits: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(a, b) with P(theme) = sigmoid(a * logit + b), fitted on held-aside rows."""
    if truth.all() or not truth.any():
        return 1.0, 0.0
    model = LogisticRegression(C=100.0, max_iter=1000)
    model.fit(logits[:, None], truth)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -30.0, 30.0)))


def prf(scores: np.ndarray, truth: np.ndarray, thresholds: np.ndarray):
    """Per-theme precision, recall and F1 of scores >= thresholds."""
    predicted = scores >= thresholds
    tp = (predicted & truth).sum(0)
    fp = (predicted & ~truth).sum(0)
    fn = (~predicted & truth).sum(0)
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / np.maximum(tp + fn, 1)
    f1 = np.where(tp > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-9), 0.0)
    return precision, recall, f1


def choose_threshold(scores: np.ndarray, truth: np.ndarray, settings: FitSettings) -> float:
    """The highest threshold reaching target recall with precision >= min_precision, else the
    threshold with the best F2 (recall weighs four times precision)."""
    if not truth.any():
        return 0.5
    grid = np.round(np.arange(0.02, 0.96, 0.01), 2)
    best_f2, best_t = -1.0, 0.5
    for t in grid[::-1]:
        predicted = scores >= t
        tp = float((predicted & truth).sum())
        precision = tp / max(float(predicted.sum()), 1.0)
        recall = tp / float(truth.sum())
        if recall >= settings.target_recall and precision >= settings.min_precision:
            return float(t)
        f2 = 5 * precision * recall / max(4 * precision + recall, 1e-9)
        if f2 > best_f2:
            best_f2, best_t = f2, float(t)
    return best_t


def expected_calibration_error(probabilities: np.ndarray, truth: np.ndarray, bins: int = 10
                               ) -> float:
    """Mean |observed rate - mean probability| over equal-width bins, weighted by bin size,
    over every (text, theme) pair."""
    p = probabilities.ravel()
    y = truth.ravel().astype(float)
    edges = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = edges == b
        if inside.any():
            total += inside.sum() * abs(y[inside].mean() - p[inside].mean())
    return float(total / max(len(p), 1))


@dataclass(frozen=True)
class FittedHeads:
    model: ThemeModel  # calibrated: theme_probabilities gives calibrated probabilities
    thresholds: np.ndarray
    platt: np.ndarray  # (themes, 2): a, b per theme (already folded into model)
    meta: dict


def fit_heads(
    profile: Profile, vectors: np.ndarray, truth: np.ndarray, mask: np.ndarray,
    is_cal: np.ndarray, phrase_vectors: np.ndarray, settings: FitSettings, meta: dict,
) -> FittedHeads:
    """Heads on the non-calibration rows, calibration and thresholds on the calibration rows."""
    fit_rows = ~is_cal
    weights, bias = fit_linear_heads(vectors[fit_rows], truth[fit_rows], mask[fit_rows],
                                     profile, phrase_vectors, settings)
    cal_truth = truth[is_cal]
    cal_mask = mask[is_cal]
    if settings.phrase_share > 0:
        weights, bias = blend_with_phrases((weights, bias), profile, phrase_vectors,
                                           (vectors[is_cal], cal_truth, cal_mask), settings)
    logits = vectors[is_cal] @ weights.T + bias
    scaling = np.array([platt(logits[cal_mask[:, j], j], cal_truth[cal_mask[:, j], j])
                        for j in range(len(profile.themes))])
    calibrated = sigmoid(logits * scaling[:, 0] + scaling[:, 1])
    thresholds = np.array([choose_threshold(calibrated[cal_mask[:, j], j],
                                            cal_truth[cal_mask[:, j], j], settings)
                           for j in range(len(profile.themes))])
    model = ThemeModel(profile.id, tuple(t.id for t in profile.themes),
                       (weights * scaling[:, :1]).astype(np.float32),
                       (bias * scaling[:, 0] + scaling[:, 1]).astype(np.float32),
                       int(vectors.shape[1]), thresholds=thresholds)
    ece = expected_calibration_error(calibrated, cal_truth)
    return FittedHeads(model, thresholds, scaling,
                       {**meta, "calibration_rows": int(is_cal.sum()),
                        "fit_rows": int(fit_rows.sum()), "calibration_ece": round(ece, 4)})


def heads_to_json(heads: FittedHeads) -> str:
    model = heads.model
    payload = {
        **heads.meta,
        "profile": model.profile_id,
        "themes": list(model.theme_ids),
        "dimension": model.dimension,
        "thresholds": [round(float(t), 2) for t in heads.thresholds],
        "platt": [[round(float(a), 5), round(float(b), 5)] for a, b in heads.platt],
        "bias": [round(float(b), 5) for b in model.bias],
        "weights": [[round(float(w), 5) for w in row] for row in model.weights],
    }
    return json.dumps(payload, indent=None, separators=(",", ":")) + "\n"


def heads_from_json(text: str) -> tuple[ThemeModel, dict]:
    payload = json.loads(text)
    weights = np.asarray(payload["weights"], dtype=np.float32)
    model = ThemeModel(payload["profile"], tuple(payload["themes"]), weights,
                       np.asarray(payload["bias"], dtype=np.float32), int(payload["dimension"]),
                       thresholds=np.asarray(payload["thresholds"], dtype=np.float64),
                       version=str(payload.get("model_version", "")))
    meta = {k: v for k, v in payload.items() if k not in ("weights", "bias")}
    return model, meta


@dataclass(frozen=True)
class Labelled:
    """Texts with their themes (devset rows, or the office's own labels) ready to fit."""

    vectors: np.ndarray  # (texts, dim), unit rows
    truth: np.ndarray  # (texts, themes) bool
    mask: np.ndarray  # (texts, themes) bool: False where the row says nothing about the theme
    is_cal: np.ndarray  # (texts,) bool: held aside for calibration and thresholds


def stack_labelled(first: Labelled, second: Labelled) -> Labelled:
    return Labelled(*(np.concatenate([a, b]) for a, b in
                      zip((first.vectors, first.truth, first.mask, first.is_cal),
                          (second.vectors, second.truth, second.mask, second.is_cal),
                          strict=True)))


def fit_profile_heads(profile: Profile, encoder: TextEncoder, data: Labelled,
                      settings: FitSettings, meta: dict) -> FittedHeads:
    """Encode the profile's phrases (the prior) and fit calibrated heads on `data`."""
    texts, _ = theme_training_texts(profile)
    phrases = np.asarray(encoder.encode(texts), dtype=np.float32)
    phrases /= np.maximum(np.linalg.norm(phrases, axis=1, keepdims=True), 1e-12)
    return fit_heads(profile, data.vectors, data.truth, data.mask, data.is_cal, phrases,
                     settings, {**meta, "encoder": encoder.version})
