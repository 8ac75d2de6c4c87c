from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from tests.support.data_paths import DEMO_SNAPSHOT


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """Every flow test runs against Prefect's temporary test server, never a real one."""
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the demo snapshot a test may change."""
    target = tmp_path / "snapshot"
    shutil.copytree(DEMO_SNAPSHOT, target)
    return target
