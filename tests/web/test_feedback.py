"""Feedback in `horizon web` (web/feedback.py): the signed links' confirm page and POST, and the
search page's API. The constructed search world (tests/support/search_world.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from delivery.feedback_links import FeedbackLinks
from tests.support.search_world import World
from warehouse.db import connect
from warehouse.feedback_inbox import import_feedback, inbox_path, read_feedback
from web.app import create_app

SECRET = "planted-feedback-secret-9c2e"
TOKEN = "planted-web-token-7f3c9a1e5b"


def _token(world: World, slug: str = "hs2-update", verdict: str = "no", days: int = 30,
           secret: str = SECRET, theme: str = "transport") -> str:
    links = FeedbackLinks("http://127.0.0.1:8000", secret.encode(), "wmca", "cos@example.org",
                          "digest", int((datetime.now(UTC) + timedelta(days=days)).timestamp()))
    url = dict(links.for_item(world.ids[slug], theme, 0.66, "heads-v"))[
        {"yes": "Right theme", "no": "Wrong theme", "irrelevant": "Not relevant"}[verdict]]
    return parse_qs(urlsplit(url).query)["t"][0]


@pytest.fixture
def app_client(world: World) -> TestClient:
    inbox_path(world.db).unlink(missing_ok=True)
    return TestClient(create_app(world.db, encoder=world.encoder, profile="wmca",
                                 feedback_secret=SECRET))


def test_feedback_get_only_confirms_and_records_nothing(app_client: TestClient,
                                                        world: World) -> None:
    page = app_client.get("/feedback", params={"t": _token(world)})
    assert page.status_code == 200
    assert '<form method="post" action="/feedback">' in page.text
    assert "HS2 phase one update" in page.text and "Wrong theme" in page.text
    assert read_feedback(inbox_path(world.db)) == []


def test_feedback_post_records_who_and_what_was_shown_once(app_client: TestClient,
                                                           world: World) -> None:
    token = _token(world)
    for _ in range(2):
        done = app_client.post("/feedback", data={"t": token})
        assert done.status_code == 200 and "feedback recorded" in done.text
    labels = read_feedback(inbox_path(world.db))
    assert len(labels) == 2 and len({label.label_id for label in labels}) == 1
    label = labels[0]
    assert (label.who, label.verdict, label.theme, label.shown_score, label.shown_model_version,
            label.via) == ("cos@example.org", "no", "transport", 0.66, "heads-v", "digest")
    with connect(world.db) as con:
        assert import_feedback(con, inbox_path(world.db)) == (1, 0)
        con.execute("DELETE FROM labels")


@pytest.mark.parametrize(("token", "status"), [
    ("garbage", 400), ("unsigned", 403), ("forged", 403), ("expired", 410), ("", 400)])
def test_feedback_bad_links_are_refused_clearly(app_client: TestClient, world: World,
                                                token: str, status: int) -> None:
    value = {"forged": _token(world, secret="some-other-secret-value"),
             "expired": _token(world, days=-1), "garbage": "no-signature-part",
             "unsigned": "abc.def", "": ""}[token]
    for response in (app_client.get("/feedback", params={"t": value}),
                     app_client.post("/feedback", data={"t": value})):
        assert response.status_code == status
        assert "Feedback not recorded" in response.text
    assert read_feedback(inbox_path(world.db)) == []


def test_feedback_links_off_without_the_secret(world: World) -> None:
    client = TestClient(create_app(world.db, encoder=world.encoder, feedback_secret=""))
    assert client.post("/feedback", data={"t": _token(world)}).status_code == 404


def test_feedback_confirm_page_escapes_scraped_titles(app_client: TestClient, world: World,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse.search.engine import Searcher

    original = Searcher.document

    def hostile(self, document_id, profile="wmca"):
        view = original(self, document_id, profile)
        return view.model_copy(update={"title": '<script>alert(1)</script><img src=x onerror=y>'})

    monkeypatch.setattr(Searcher, "document", hostile)
    page = app_client.get("/feedback", params={"t": _token(world)}).text
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


def test_feedback_links_need_no_web_token_but_open_nothing_else(world: World) -> None:
    client = TestClient(create_app(world.db, encoder=world.encoder, token=TOKEN,
                                   feedback_secret=SECRET))
    inbox_path(world.db).unlink(missing_ok=True)
    assert client.get("/feedback", params={"t": _token(world)}).status_code == 200
    assert client.post("/feedback", data={"t": _token(world)}).status_code == 200
    assert client.get("/static/feedback.css").status_code == 200
    for path in ("/", "/static/style.css", "/api/search?q=HS2", "/feedback/", "/feedbacks",
                 "/docs"):
        assert client.get(path).status_code == 401, path
    body = {"document_id": str(world.ids["hs2-update"]), "theme": "transport", "verdict": "yes"}
    assert client.post("/api/feedback", json=body).status_code == 401
    assert client.post("/api/feedback", json=body,
                       headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    inbox_path(world.db).unlink(missing_ok=True)


def test_feedback_api_records_a_search_page_judgement(app_client: TestClient,
                                                      world: World) -> None:
    document = world.ids["housing"]
    response = app_client.post("/api/feedback", json={
        "document_id": str(document), "theme": "housing", "verdict": "yes"})
    assert response.status_code == 200, response.text
    (label,) = read_feedback(inbox_path(world.db))
    assert (label.document_id, label.theme, label.verdict, label.via, label.who) == (
        document, "housing", "yes", "search", "search page")
    assert label.shown_score is not None


@pytest.mark.parametrize("body", [
    {"theme": "transport", "verdict": "maybe"},
    {"theme": "not_a_theme", "verdict": "yes"},
    {"theme": "", "verdict": "yes"},
    {"theme": "transport", "verdict": "yes", "profile": "atlantis"},
])
def test_feedback_api_refuses_bad_judgements(app_client: TestClient, world: World,
                                             body: dict) -> None:
    response = app_client.post("/api/feedback",
                               json={"document_id": str(world.ids["housing"]), **body})
    assert response.status_code == 422
    assert read_feedback(inbox_path(world.db)) == []


def test_feedback_api_unknown_document_is_404(app_client: TestClient) -> None:
    response = app_client.post("/api/feedback", json={
        "document_id": "00000000-0000-0000-0000-000000000000", "theme": "transport",
        "verdict": "no"})
    assert response.status_code == 404


def test_feedback_token_never_reaches_the_page_unescaped(app_client: TestClient,
                                                         world: World) -> None:
    token = _token(world)
    page = app_client.get("/feedback", params={"t": token}).text
    (value,) = re.findall(r'name="t" value="([^"]*)"', page)
    assert unescape(value) == token
