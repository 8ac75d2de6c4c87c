"""The shipped authority profiles load and name the themes the brief asks for."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.config import NlpConfig
from tests.support.themeset import DATA, LABEL_FILES, labelled_theme_ids
from warehouse.config.profiles import available_profiles, load_profile

WMCA_THEMES = [
    "transport", "housing", "skills", "economy", "net_zero",
    "health", "communities", "devolution", "safety", "culture",
]


@pytest.mark.parametrize("profile_id", ["wmca", "cpca"])
def test_profile_file_loads(config_dir: Path, profile_id: str) -> None:
    profile = load_profile(config_dir, profile_id)
    assert profile.id == profile_id
    assert profile.digest.recipients == []
    assert len(profile.region.councils) == 7
    for theme in profile.themes:
        assert 8 <= len(theme.examples) <= 15, theme.id
        assert theme.description.strip()


def test_profile_files_are_available(config_dir: Path) -> None:
    assert {"wmca", "cpca"} <= set(available_profiles(config_dir))


def test_profile_wmca_theme_ids_exact(config_dir: Path) -> None:
    profile = load_profile(config_dir, "wmca")
    assert [theme.id for theme in profile.themes] == WMCA_THEMES
    assert profile.mayor == "Richard Parker"


def test_profile_cpca_has_seven_ambitions(config_dir: Path) -> None:
    profile = load_profile(config_dir, "cpca")
    assert len(profile.themes) == 7
    assert profile.mayor == "Paul Bristow"


def test_profile_thresholds_name_real_themes(config_dir: Path, nlp_config: NlpConfig) -> None:
    for profile_id, by_theme in nlp_config.themes.thresholds.items():
        profile = load_profile(config_dir, profile_id)
        for theme_id in by_theme:
            profile.theme(theme_id)  # KeyError if the threshold names no theme


@pytest.mark.parametrize("profile_id", sorted(LABEL_FILES))
def test_profile_theme_labels_name_real_themes(config_dir: Path, profile_id: str) -> None:
    known = {theme.id for theme in load_profile(config_dir, profile_id).themes}
    used = labelled_theme_ids(config_dir, profile_id)
    unknown = {name: sorted(ids - known) for name, ids in used.items() if ids - known}
    assert unknown == {}
    assert set().union(*used.values()) == known  # every theme has labelled examples


def test_profile_cpca_hand_labels_cover_the_hand_written_texts() -> None:
    texts = yaml.safe_load((DATA / "themes_hand.yaml").read_text(encoding="utf-8"))
    labels = yaml.safe_load((DATA / LABEL_FILES["cpca"].hand_labels).read_text(encoding="utf-8"))
    assert set(labels) == {item["id"] for item in texts}
