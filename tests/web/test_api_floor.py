"""The API's score floor and "funding open now", on the constructed search world."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.search_world import World, save_world
from warehouse.records import DocumentKind, FundingFacts, Signal
from web.app import create_app

NOW = "2026-11-22T09:00:00Z"
CLOSES = datetime(2026, 12, 4, 23, 59, tzinfo=UTC)
# Constructed: an open consultation and an open fund, both closing after NOW.
ROWS = [
    ("fair-funding", DocumentKind.CONSULTATION, "govuk_policy", datetime(2026, 11, 1, tzinfo=UTC),
     "Fair funding consultation", "Views on the council funding formula, open until December.",
     [], Signal.THREAT, 0.7, FundingFacts(closes_at=CLOSES)),
    ("energy-fund", DocumentKind.FUNDING_CALL, "find_a_grant", datetime(2026, 11, 1, tzinfo=UTC),
     "Community Energy Fund", "Funding for community energy projects, open until December.",
     [], Signal.OPPORTUNITY, 0.7, FundingFacts(funder="DESNZ", closes_at=CLOSES)),
]


@pytest.fixture(scope="module")
def funding_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    world = save_world(tmp_path_factory.mktemp("floor") / "horizon.duckdb", rows=ROWS)
    return TestClient(create_app(world.db, encoder=world.encoder, profile="wmca"))


def test_api_floor_nonsense_says_no_strong_match(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "zzqx spaceport"}).json()
    assert body["strong_match"] is False and body["results"] == []
    assert body["below_floor"] > 0


def test_api_floor_off_shows_the_weak_results(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "zzqx spaceport", "floor": "false"}).json()
    assert body["results"] and body["strong_match"] is True


def test_api_floor_keeps_a_passage_holding_every_word(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Coventry"}).json()
    assert body["strong_match"] is True
    assert "Investment Zones extended" in [r["title"] for r in body["results"]]


def test_api_funding_open_now_is_funding_not_consultations(funding_client: TestClient) -> None:
    body = funding_client.get("/api/search", params={
        "q": "funding open until December", "funding_open": "true", "now": NOW}).json()
    assert [r["title"] for r in body["results"]] == ["Community Energy Fund"]


def test_api_funding_open_now_is_judged_at_the_given_instant(funding_client: TestClient
                                                             ) -> None:
    body = funding_client.get("/api/search", params={
        "q": "funding open until December", "funding_open": "true",
        "now": "2026-12-05T09:00:00Z"}).json()
    assert body["results"] == []


def test_api_docs_work_offline(client: TestClient, world: World, tmp_path: Path) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    assert "https://" not in page.text
    if "/docs-assets/" in page.text:
        assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
        assert client.get("/static/docs-init.js").status_code == 200
    else:  # without swagger-ui-bundle-v2: the plain page lists the operations
        assert "GET /api/search" in page.text
    assert client.get("/redoc").status_code == 404
