from __future__ import annotations

import sys
from pathlib import Path

import pytest

from warehouse.settings import Settings, apply_offline_environment

apply_offline_environment()
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real recorded payloads (../shared/samples, or HORIZON_SAMPLES_DIR)."""
    path = Settings().samples_dir
    if not path.is_dir():
        raise RuntimeError(f"recorded samples not found at {path}; set HORIZON_SAMPLES_DIR")
    return path
