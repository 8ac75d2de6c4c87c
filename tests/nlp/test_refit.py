"""Office labels as fitting rows and the heads version on scored rows (nlp/refit.py).
Constructed labels and vectors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np

from nlp.refit import office_labelled, scored_by
from nlp.themes import ThemeModel
from warehouse.records import ThemeScore

THEMES = ["transport", "housing", "health"]


@dataclass(frozen=True)
class _Label:
    document_id: uuid.UUID
    theme: str
    verdict: str


def _vectors(*ids: uuid.UUID) -> dict[uuid.UUID, np.ndarray]:
    rng = np.random.default_rng(1)
    return {i: rng.normal(size=(2, 8)).astype(np.float32) for i in ids}


def test_refit_later_judgements_override_earlier_ones() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    labels = [_Label(a, "transport", "yes"), _Label(a, "housing", "no"),
              _Label(a, "transport", "no"),  # changed its mind
              _Label(b, "health", "yes"), _Label(b, "health", "irrelevant")]
    data, missing = office_labelled(labels, _vectors(a, b), THEMES)
    assert missing == []
    assert data.truth.tolist() == [[False, False, False], [False, False, False]]
    assert data.mask.tolist() == [[True, True, False], [True, True, True]]
    assert np.allclose(np.linalg.norm(data.vectors, axis=1), 1.0)


def test_refit_skips_unknown_themes_and_reports_documents_without_vectors() -> None:
    a, gone = uuid.uuid4(), uuid.uuid4()
    labels = [_Label(a, "culture", "yes"), _Label(a, "health", "yes"), _Label(gone, "health",
                                                                           "yes")]
    data, missing = office_labelled(labels, _vectors(a), THEMES)
    assert missing == [gone]
    assert data.truth.tolist() == [[False, False, True]]
    assert data.mask.tolist() == [[False, False, True]]


def test_refit_scored_rows_name_fitted_heads_only() -> None:
    row = ThemeScore(document_id=uuid.uuid4(), profile="wmca", theme="transport", score=0.5,
                     above_threshold=True, model_version="enrich-v4")
    phrase_heads = ThemeModel("wmca", ("transport",), np.zeros((1, 8)), np.zeros(1), 8)
    fitted = ThemeModel("wmca", ("transport",), np.zeros((1, 8)), np.zeros(1), 8,
                        version="heads-wmca-x")
    assert scored_by([row], phrase_heads)[0].model_version == "enrich-v4"
    assert scored_by([row], fitted)[0].model_version == "heads-wmca-x"
