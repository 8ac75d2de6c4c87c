"""`horizon web` over real HTTP (uvicorn on loopback), issue 12 point 9 and the weaker points:
bounded memory whatever `?profile=` values arrive (unknown ones refused with 422, the cache of
per-profile tables LRU-bounded), security headers, a Host allow-list against DNS rebinding, and
503 (not 500) from every endpoint while the search replica is missing."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import running
from tests.support.search_world import World, save_world
from warehouse.search.engine import SUMMARY_PROFILES, Searcher
from web.app import create_app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return save_world(tmp_path_factory.mktemp("bounded") / "horizon.duckdb")


@pytest.fixture(scope="module")
def served(world: World):
    app = create_app(world.db, encoder=world.encoder, host="horizon.example.org")
    with running(app) as url:
        yield app, url


def test_web_unknown_profiles_are_refused_and_memory_stays_bounded(world: World, served) -> None:
    _, url = served
    with httpx.Client(base_url=url, timeout=60) as client:
        assert client.get("/api/search", params={"q": "HS2"}).status_code == 200
        codes = {client.get("/api/search", params={"q": "HS2", "profile": f"p{n}"}).status_code
                 for n in range(100)}
        codes |= {client.get("/api/facets", params={"profile": f"f{n}"}).status_code
                  for n in range(20)}
    assert codes == {422}
    direct = Searcher(world.db)  # the cache itself, asked for more profiles than it holds
    generation = direct._generation()
    for n in range(SUMMARY_PROFILES * 5):
        generation.summaries(f"profile-{n}")
    assert len(generation._summaries) == SUMMARY_PROFILES


def test_web_headers_on_every_response(world: World, served) -> None:
    _, url = served
    for path in ["/", "/static/app.js", "/api/search?q=HS2", "/api/facets", "/nope"]:
        response = httpx.get(url + path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert "script-src 'self'" in response.headers["content-security-policy"], path


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil",
                                  "", "attacker.example:80"])
def test_web_rebinding_host_is_refused(served, host: str) -> None:
    _, url = served
    response = httpx.get(url + "/api/search?q=HS2", headers={"Host": host})
    assert response.status_code == 400 and "HS2" not in response.text


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "localhost:8340",
                                  "horizon.example.org:8340", "[::1]:8340"])
def test_web_own_host_is_served(served, host: str) -> None:
    _, url = served
    assert httpx.get(url + "/api/search?q=HS2", headers={"Host": host}).status_code == 200


def test_web_every_endpoint_answers_503_without_a_replica(tmp_path: Path, world: World) -> None:
    some = uuid.uuid4()
    with running(create_app(tmp_path / "missing.duckdb", encoder=world.encoder)) as url:
        codes = {path: httpx.get(url + path).status_code for path in [
            "/api/search?q=HS2", "/api/search.csv?q=HS2", f"/api/documents/{some}",
            f"/api/similar/{some}", "/api/facets"]}
    assert set(codes.values()) == {503}, codes
