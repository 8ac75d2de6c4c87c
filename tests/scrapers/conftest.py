"""Shared fixtures for the scraper tests: constructed fixtures (source_fixtures.CONSTRUCTED) and
the recorded real payloads from Settings().samples_dir.

Without the samples folder the tests over it are skipped with one reason (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrapers.replay import serve_snapshot
from tests.support.data_paths import samples_missing
from tests.support.source_fixtures import GOVUK_CONTENT
from warehouse.config.settings import Settings

FETCHED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`content_file`: one test per Content API item, so a new item is a new test: the demo's
    constructed items always, and the recorded real ones when the samples are there."""
    if "content_file" in metafunc.fixturenames:
        constructed = sorted(GOVUK_CONTENT.rglob("*.json"))
        params = [pytest.param(f, id=f"constructed/{f.parent.name}/{f.stem}") for f in constructed]
        reason = samples_missing()
        if reason:
            params.append(pytest.param(None, marks=pytest.mark.skip(reason=reason),
                                       id="no-samples"))
        else:
            recorded = sorted((Settings().samples_dir / "govuk" / "content_api").rglob("*.json"))
            params += [pytest.param(f, id=f"{f.parent.name}/{f.stem}") for f in recorded]
        metafunc.parametrize("content_file", params)


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
