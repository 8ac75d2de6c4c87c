from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.support.search_world import World


def test_api_search_returns_ranked_results_with_scores(client: TestClient, world: World) -> None:
    response = client.get("/api/search", params={"q": "HS2", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["generation"] == 1 and len(body["results"]) <= 3
    top = body["results"][0]
    assert top["id"] == str(world.ids["hs2-update"])
    assert {"title", "url", "score", "source", "published_at", "themes", "signal", "passage",
            "scores"} <= set(top)
    assert top["scores"]["keyword_rank"] == 1


def test_api_search_applies_filters(client: TestClient, world: World) -> None:
    response = client.get("/api/search", params={"q": "fund", "kind": "funding_call"})
    assert [r["id"] for r in response.json()["results"]] == [str(world.ids["luf-round"])]
    response = client.get("/api/search", params={"q": "Coventry", "theme": ["housing"]})
    assert [r["id"] for r in response.json()["results"]] == [str(world.ids["housing"])]


def test_api_search_rejects_bad_filters(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "x", "kind": "nonsense"}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "date_from": "May"}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422


def test_api_document_has_enrichment_and_404(client: TestClient, world: World) -> None:
    body = client.get(f"/api/documents/{world.ids['luf-round']}").json()
    assert body["insight"]["funding"]["funder"] == "MHCLG"
    assert body["themes"][0]["theme"] == "growth"
    missing = client.get("/api/documents/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_api_similar_lists_other_documents(client: TestClient, world: World) -> None:
    body = client.get(f"/api/similar/{world.ids['luf-round']}", params={"limit": 2}).json()
    ids = [r["id"] for r in body["results"]]
    assert len(ids) == 2 and str(world.ids["luf-round"]) not in ids


def test_api_csv_export_matches_search(client: TestClient) -> None:
    response = client.get("/api/search.csv", params={"q": "Coventry"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    search = client.get("/api/search", params={"q": "Coventry", "limit": 50}).json()
    assert [r["title"] for r in rows] == [r["title"] for r in search["results"]]


def test_api_openapi_describes_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/documents/{document_id}", "/api/similar/{document_id}"} <= set(
        paths)


def test_api_page_is_served_without_external_assets(client: TestClient) -> None:
    page = client.get("/").text
    assert '<script src="/static/app.js">' in page and "http" not in page.split("<body>")[0]
    script = client.get("/static/app.js").text
    assert "innerHTML" not in script
