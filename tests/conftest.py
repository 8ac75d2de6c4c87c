from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.data_paths import samples_missing
from warehouse.config.settings import Settings, apply_offline_environment

apply_offline_environment()


def pytest_report_header(config: pytest.Config) -> str | None:
    reason = samples_missing()
    return f"skipping every test over recorded samples: {reason}" if reason else None


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real recorded payloads (../shared/samples, or HORIZON_SAMPLES_DIR)."""
    reason = samples_missing()
    if reason:
        pytest.skip(reason)
    return Settings().samples_dir
