from __future__ import annotations

from pathlib import Path

import pytest

from nlp.config import NlpConfig, load_nlp_config
from nlp.kit import EnrichmentKit, build_kit
from tests.support.nlp_fakes import HashingEncoder
from warehouse.config.profiles import Profile, load_profile
from warehouse.config.settings import Settings


@pytest.fixture(scope="session")
def config_dir() -> Path:
    return Settings().config_dir


@pytest.fixture(scope="session")
def nlp_config(config_dir: Path) -> NlpConfig:
    return load_nlp_config(config_dir)


@pytest.fixture(scope="session")
def wmca(config_dir: Path) -> Profile:
    return load_profile(config_dir, "wmca")


@pytest.fixture(scope="session")
def cpca(config_dir: Path) -> Profile:
    return load_profile(config_dir, "cpca")


@pytest.fixture
def fake_encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def fake_kit(wmca: Profile, nlp_config: NlpConfig, config_dir: Path) -> EnrichmentKit:
    """Theme head fitted with the hashing encoder; gazetteer only (no spaCy)."""
    return build_kit(wmca, HashingEncoder(), nlp_config, config_dir, with_spacy=False)
