"""Shared fixtures for the scraper tests: recorded real payloads from Settings().samples_dir.

The samples folder is required: without it these tests fail loudly rather than skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrapers.replay import serve_snapshot
from warehouse.settings import Settings

FETCHED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def samples_root() -> Path:
    root = Settings().samples_dir
    if not (root / "govuk" / "content_api").is_dir():
        raise FileNotFoundError(
            f"recorded samples not found at {root}/govuk/content_api: set HORIZON_SAMPLES_DIR "
            "to the shared samples folder (the scraper tests cannot run without it)"
        )
    return root


def govuk_content_files() -> list[Path]:
    return sorted((samples_root() / "govuk" / "content_api").rglob("*.json"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`content_file`: one test per recorded Content API item, so a new sample is a new test."""
    if "content_file" in metafunc.fixturenames:
        files = govuk_content_files()
        metafunc.parametrize("content_file", files,
                             ids=[f"{f.parent.name}/{f.stem}" for f in files])


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return samples_root()


@pytest.fixture(scope="session")
def govuk_samples(samples_dir: Path) -> Path:
    return samples_dir / "govuk"


@pytest.fixture
def fetched_at() -> datetime:
    return FETCHED_AT


@pytest.fixture(scope="module")
def samples_replay(samples_dir: Path) -> Iterator[str]:
    """The recorded samples replayed on loopback; yields the base URL."""
    with serve_snapshot(samples_dir) as base_url:
        yield base_url
