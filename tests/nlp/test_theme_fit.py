"""Theme heads fitted on labelled text (nlp/theme_fit.py, nlp/theme_data.py).

Constructed fixtures: labelled rows written here and the hashing stand-in encoder. The last test
reads the real development set and is skipped without ../shared/devsets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.config import NlpConfig
from nlp.kit import load_theme_model
from nlp.theme_data import (
    DEVSET_FILE,
    DevRow,
    devset_version,
    labelled_rows,
    map_themes,
    profile_devset,
    profile_mapping,
    split_of,
    title_views,
)
from nlp.theme_fit import (
    FitSettings,
    choose_threshold,
    expected_calibration_error,
    fit_profile_heads,
    heads_from_json,
    heads_to_json,
)
from nlp.themes import tentative_theme, theme_probabilities
from tests.support.nlp_fakes import HashingEncoder
from warehouse.config.profiles import Profile, load_profile
from warehouse.config.settings import Settings

# Constructed rows (ours): a few per theme, in the devset's shape.
CONSTRUCTED = {
    "transport": ["more bus routes and rail stations", "tram extension and bus fares",
                  "railway line upgrade and new trains", "cycling lanes and road repairs"],
    "housing": ["affordable homes and social housing", "planning permission for new homes",
                "housebuilding on brownfield land", "council housing waiting lists"],
    "health": ["hospital waiting times and the NHS", "mental health services for adults",
               "GP appointments and social care", "public health and obesity"],
}


def _rows(profile: Profile) -> list[DevRow]:
    rows = []
    for theme, texts in CONSTRUCTED.items():
        for k, text in enumerate(texts * 8):
            rows.append(DevRow(f"c-{theme}-{k}", f"{text} {k}", "constructed", "x", (theme,)))
    return rows


def test_theme_fit_split_is_deterministic_and_about_60_20_20() -> None:
    splits = [split_of(f"row-{i}") for i in range(2000)]
    assert splits == [split_of(f"row-{i}") for i in range(2000)]
    assert 0.55 < splits.count("fit") / 2000 < 0.65
    assert 0.15 < splits.count("test") / 2000 < 0.25


def test_theme_fit_cpca_mapping_uses_label_overrides_and_omits(config_dir: Path) -> None:
    mapping, no_negatives = profile_mapping(config_dir, "cpca")
    assert map_themes(["transport", "economy"], "411 Technology and Infrastructure",
                      mapping) == {"connectivity", "knowledge_economy"}
    assert map_themes(["health", "communities"], "504 Welfare State Expansion",
                      mapping) == {"public_services", "quality_of_life"}
    assert map_themes(["culture"], "502 Culture: Positive", mapping) is None
    assert map_themes([], "104 Military: Positive", mapping) == set()
    assert "CMP-UK-manifestos" in no_negatives["housing"]


def test_theme_fit_threshold_reaches_target_recall() -> None:
    scores = np.array([0.9, 0.8, 0.6, 0.3, 0.2, 0.1, 0.05])
    truth = np.array([True, True, True, True, False, False, False])
    threshold = choose_threshold(scores, truth, FitSettings(target_recall=0.75))
    assert (scores[truth] >= threshold).mean() >= 0.75
    assert threshold == pytest.approx(0.6)


def test_theme_fit_calibration_error_is_zero_when_rates_match() -> None:
    probabilities = np.array([[0.25]] * 4 + [[0.75]] * 4)
    truth = np.array([[True], [False], [False], [False], [True], [True], [True], [False]])
    assert expected_calibration_error(probabilities, truth) == pytest.approx(0.0)
    assert expected_calibration_error(np.array([[0.9]]), np.array([[False]])) == \
        pytest.approx(0.9)


def test_theme_fit_heads_separate_themes_and_survive_json(wmca: Profile) -> None:
    encoder = HashingEncoder()
    rows = _rows(wmca)
    data = labelled_rows(rows, [t.id for t in wmca.themes], encoder, {}, None)
    heads = fit_profile_heads(wmca, encoder, data, FitSettings(), {"model_version": "t"})
    loaded, meta = heads_from_json(heads_to_json(heads))
    assert meta["encoder"] == encoder.version and loaded.version == "t"
    vectors = encoder.encode(["more bus routes and rail stations",
                              "hospital waiting times and the NHS"])
    scores = theme_probabilities(vectors, loaded)
    index = {t: i for i, t in enumerate(loaded.theme_ids)}
    assert scores[0, index["transport"]] > scores[0, index["health"]]
    assert scores[1, index["health"]] > scores[1, index["transport"]]
    assert np.allclose(scores, theme_probabilities(vectors, heads.model), atol=1e-3)
    assert loaded.thresholds is not None and len(loaded.thresholds) == len(wmca.themes)


def test_theme_fit_committed_heads_need_the_same_encoder(
    wmca: Profile, nlp_config: NlpConfig, config_dir: Path
) -> None:
    model = load_theme_model(wmca, HashingEncoder(), nlp_config, config_dir)
    assert model.thresholds is None  # fell back to heads fitted on the phrases


def test_theme_fit_tentative_best_theme_only_when_clearly_ahead(nlp_config: NlpConfig) -> None:
    thresholds = np.array([0.4, 0.4, 0.4])
    settings = nlp_config.themes.model_copy(update={"tentative_min_ratio": 0.5,
                                                    "tentative_margin": 0.15})
    assert tentative_theme(np.array([0.3, 0.05, 0.02]), thresholds, settings) == 0
    assert tentative_theme(np.array([0.3, 0.25, 0.02]), thresholds, settings) is None
    assert tentative_theme(np.array([0.1, 0.0, 0.0]), thresholds, settings) is None
    assert tentative_theme(np.array([0.5, 0.0, 0.0]), thresholds, settings) is None


def test_theme_fit_committed_heads_name_the_devset_version(config_dir: Path) -> None:
    devset = Settings().devsets_dir / DEVSET_FILE
    if not devset.is_file():
        pytest.skip(f"development set not present at {devset} (../shared/devsets)")
    for path in sorted((config_dir / "theme_heads").glob("*.json")):
        _, meta = heads_from_json(path.read_text(encoding="utf-8"))
        assert meta["devset"].endswith(devset_version(devset)), path.name


def test_theme_fit_title_views_keep_id_split_and_labels() -> None:
    rows = [DevRow("twfy-1", "Rail Fares\nThat this House ...", "TWFY", "x", ("transport",),
                   "Rail Fares"),
            DevRow("cmp-1", "We will build homes.", "CMP", "y", ("housing",))]
    [view] = title_views(rows)
    assert (view.id, view.text, view.themes) == ("twfy-1", "Rail Fares", ("transport",))
    data = labelled_rows(rows, ["transport", "housing"], HashingEncoder(), {}, None,
                         with_titles=True)
    assert len(data.vectors) == 3 and data.truth[2].tolist() == [True, False]
    assert data.is_cal[2] == data.is_cal[0]  # a row and its title view share a split


def test_theme_fit_phrase_share_moves_scores_towards_the_phrase_heads(wmca: Profile) -> None:
    encoder = HashingEncoder()
    data = labelled_rows(_rows(wmca), [t.id for t in wmca.themes], encoder, {}, None)
    probe = encoder.encode(["affordable homes and social housing"])
    plain = fit_profile_heads(wmca, encoder, data, FitSettings(phrase_share=0.0), {})
    blended = fit_profile_heads(wmca, encoder, data, FitSettings(phrase_share=0.5), {})
    assert not np.allclose(theme_probabilities(probe, plain.model),
                           theme_probabilities(probe, blended.model))
    assert blended.model.weights.shape == plain.model.weights.shape  # still one linear head


def test_theme_fit_profile_devset_maps_rows_to_the_profiles_themes(config_dir: Path) -> None:
    settings = Settings()
    if not (settings.devsets_dir / DEVSET_FILE).is_file():
        pytest.skip(f"development set not present at {settings.devsets_dir} (../shared/devsets)")
    devset = profile_devset(config_dir, settings.devsets_dir, "cpca")
    cpca = {theme.id for theme in load_profile(config_dir, "cpca").themes}
    assert devset.path.name == DEVSET_FILE and len(devset.rows) > 1000
    assert set().union(*(row.themes for row in devset.rows)) <= cpca
    assert devset.no_negatives == profile_mapping(config_dir, "cpca")[1]
