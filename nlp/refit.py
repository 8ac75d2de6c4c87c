"""Learning from the office (issue 13): its labels as fitting rows, and stored documents
re-scored with the refitted heads. Pure functions of vectors; the warehouse reads and writes.

A label is a judgement of one document for one theme: `yes` makes the document a positive of
that theme, `no` a negative of that theme, `irrelevant` a negative of every theme. A document's
labels are applied oldest first, so a later judgement overrides an earlier one; themes nobody
judged stay out of the fit for that document (masked), as the devset does for themes a source
does not code.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from nlp.config import NlpConfig
from nlp.theme_data import split_of
from nlp.theme_fit import Labelled
from nlp.themes import ThemeModel, document_vector, score_themes, to_theme_scores
from warehouse.records import ThemeScore


class Judgement(Protocol):
    document_id: uuid.UUID
    theme: str
    verdict: str


def office_labelled(labels: Sequence[Judgement], chunk_vectors: dict[uuid.UUID, np.ndarray],
                    theme_ids: Sequence[str]) -> tuple[Labelled, list[uuid.UUID]]:
    """(one fitting row per labelled document with stored vectors, documents without vectors).
    A document is a calibration row when its id hashes to the devset's calibration split."""
    index = {theme: j for j, theme in enumerate(theme_ids)}
    truth: dict[uuid.UUID, np.ndarray] = {}
    mask: dict[uuid.UUID, np.ndarray] = {}
    for label in labels:
        if label.theme not in index and label.verdict != "irrelevant":
            continue  # a theme the profile no longer has
        row_truth = truth.setdefault(label.document_id, np.zeros(len(theme_ids), dtype=bool))
        row_mask = mask.setdefault(label.document_id, np.zeros(len(theme_ids), dtype=bool))
        if label.verdict == "irrelevant":
            row_truth[:] = False
            row_mask[:] = True
        else:
            row_truth[index[label.theme]] = label.verdict == "yes"
            row_mask[index[label.theme]] = True
    documents = [d for d in truth if d in chunk_vectors]
    missing = [d for d in truth if d not in chunk_vectors]
    dim = next(iter(chunk_vectors.values())).shape[1] if chunk_vectors else 0
    return Labelled(
        vectors=np.array([document_vector(chunk_vectors[d]) for d in documents],
                         dtype=np.float32).reshape(len(documents), dim),
        truth=np.array([truth[d] for d in documents], dtype=bool).reshape(-1, len(theme_ids)),
        mask=np.array([mask[d] for d in documents], dtype=bool).reshape(-1, len(theme_ids)),
        is_cal=np.array([split_of(str(d)) == "cal" for d in documents], dtype=bool),
    ), missing


def scored_by(scores: list[ThemeScore], model: ThemeModel) -> list[ThemeScore]:
    """The rows naming the fitted heads that scored them (`model.version`); rows of heads fitted
    on the phrases alone keep the enrichment's model version."""
    if not model.version:
        return scores
    return [score.model_copy(update={"model_version": model.version}) for score in scores]


def rescore_document(document_id: uuid.UUID, chunk_vectors: np.ndarray,
                     evidence: dict[str, str], model: ThemeModel, config: NlpConfig
                     ) -> list[ThemeScore]:
    """The document's theme rows under `model`, from its stored chunk vectors; the stored
    evidence sentences are kept (choosing new ones would mean encoding sentences again), and
    each row names the heads that scored it (`model.version`)."""
    match = score_themes(chunk_vectors, model)
    sentences = [evidence.get(theme, "") for theme in model.theme_ids]
    return scored_by(to_theme_scores(document_id, match, sentences, model, config), model)
