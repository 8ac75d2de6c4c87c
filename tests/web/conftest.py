from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support.search_world import World, save_world
from web.app import create_app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return save_world(tmp_path_factory.mktemp("web") / "horizon.duckdb")


@pytest.fixture(scope="module")
def client(world: World) -> TestClient:
    return TestClient(create_app(world.db, encoder=world.encoder, profile="wmca"))
