from __future__ import annotations

from pathlib import Path

import pytest
from nlp_fakes import HashingEncoder

from nlp.config import NlpConfig, load_nlp_config
from warehouse.profiles import Profile, load_profile
from warehouse.settings import Settings


@pytest.fixture(scope="session")
def config_dir() -> Path:
    return Settings().config_dir


@pytest.fixture(scope="session")
def nlp_config(config_dir: Path) -> NlpConfig:
    return load_nlp_config(config_dir)


@pytest.fixture(scope="session")
def wmca(config_dir: Path) -> Profile:
    return load_profile(config_dir, "wmca")


@pytest.fixture
def fake_encoder() -> HashingEncoder:
    return HashingEncoder()
