from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.config.settings import Settings


@pytest.fixture(scope="session")
def parliament_samples() -> Path:
    path = Settings().samples_dir / "parliament"
    if not path.is_dir():
        pytest.skip(f"recorded Parliament samples not found at {path} (set HORIZON_SAMPLES_DIR)")
    return path

