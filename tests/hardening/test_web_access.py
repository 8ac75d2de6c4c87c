"""Search server access: loopback by default, a token everywhere else, over real HTTP (uvicorn)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

import web.access
from tests.support.live_server import running
from tests.support.search_world import World, save_world
from web.access import COOKIE, AccessError, check_bind
from web.app import create_app

TOKEN = "planted-web-token-7f3c9a1e5b"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return save_world(tmp_path_factory.mktemp("access") / "horizon.duckdb")


@pytest.fixture(scope="module")
def guarded(world: World) -> Iterator[str]:
    with running(create_app(world.db, encoder=world.encoder, token=TOKEN)) as url:
        yield url


def _paths(world: World) -> list[str]:
    doc = world.ids["hs2-update"]
    return ["/", "/static/app.js", "/api/search?q=HS2", "/api/search.csv?q=HS2",
            f"/api/documents/{doc}", f"/api/similar/{doc}", "/api/facets", "/docs",
            "/openapi.json"]


def test_web_access_loopback_without_token_serves_everything(world: World) -> None:
    with running(create_app(world.db, encoder=world.encoder)) as url:
        statuses = {path: httpx.get(url + path).status_code for path in _paths(world)}
    assert set(statuses.values()) == {200}, statuses


def test_web_access_token_configured_refuses_missing_and_wrong(guarded: str, world: World
                                                                ) -> None:
    for path in _paths(world):
        for headers in ({}, {"Authorization": "Bearer wrong-token-of-some-length"},
                        {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": TOKEN},
                        {"Cookie": f"{COOKIE}={TOKEN}"}):
            response = httpx.get(guarded + path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.json() == {"detail": "Not authenticated"}
            assert TOKEN not in response.text and TOKEN not in str(response.headers)


def test_web_access_token_configured_serves_with_bearer(guarded: str, world: World) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    statuses = {path: httpx.get(guarded + path, headers=headers).status_code
                for path in _paths(world)}
    assert set(statuses.values()) == {200}, statuses


def test_web_access_page_token_sets_strict_httponly_cookie(guarded: str) -> None:
    first = httpx.get(f"{guarded}/?q=HS2&token={TOKEN}")
    assert first.status_code == 303 and first.headers["location"] == "/?q=HS2"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    session = first.cookies[COOKIE]
    assert httpx.get(f"{guarded}/api/search?q=HS2", cookies={COOKIE: session}
                     ).status_code == 200
    tampered = session[:-1] + ("1" if session.endswith("0") else "0")
    assert httpx.get(f"{guarded}/api/search?q=HS2", cookies={COOKIE: tampered}
                     ).status_code == 401


def test_web_access_query_token_only_opens_the_page(guarded: str) -> None:
    assert httpx.get(f"{guarded}/api/search?q=HS2&token={TOKEN}").status_code == 401
    assert httpx.get(f"{guarded}/?token=wrong-token-of-some-length").status_code == 401


def test_web_access_compares_with_hmac_compare_digest(guarded: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, object]] = []
    real = web.access.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(web.access.hmac, "compare_digest", spy)
    assert httpx.get(f"{guarded}/api/facets",
                     headers={"Authorization": "Bearer wrong-token-of-some-length"}
                     ).status_code == 401
    assert calls and all(isinstance(a, bytes) and isinstance(b, bytes) for a, b in calls)
    assert calls[-1] == (b"wrong-token-of-some-length", TOKEN.encode())


def test_web_access_token_never_in_access_log(world: World, caplog: pytest.LogCaptureFixture
                                              ) -> None:
    app = create_app(world.db, encoder=world.encoder, token=TOKEN)
    with caplog.at_level(logging.INFO), running(app, log_level="info", log_config=None,
                                                access_log=True) as url:
        httpx.get(f"{url}/?token={TOKEN}")
        httpx.get(f"{url}/api/facets", headers={"Authorization": f"Bearer {TOKEN}"})
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if record.name.startswith("uvicorn"))  # the server's, not httpx's
    assert "GET /?token=[redacted]" in logged and TOKEN not in logged


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "horizon.example.org"])
def test_web_access_non_loopback_needs_token(host: str) -> None:
    with pytest.raises(AccessError, match="HORIZON_WEB_TOKEN"):
        check_bind(host, None)
    check_bind(host, TOKEN)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_web_access_loopback_needs_no_token(host: str) -> None:
    check_bind(host, None)


def test_web_access_rejects_a_short_token() -> None:
    with pytest.raises(AccessError, match="at least"):
        check_bind("127.0.0.1", "short")


def test_web_access_cli_refuses_0000_without_token(world: World,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from flows.cli import app

    monkeypatch.delenv("HORIZON_WEB_TOKEN", raising=False)
    monkeypatch.chdir(world.db.parent)  # no .env here
    bound: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: bound.append(k))
    result = CliRunner().invoke(app, ["web", "--db", str(world.db), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and bound == []
    assert "HORIZON_WEB_TOKEN" in result.output


def test_web_access_cli_starts_with_token_and_never_prints_it(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from flows.cli import app

    monkeypatch.setenv("HORIZON_WEB_TOKEN", TOKEN)
    bound: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: bound.append(k))
    result = CliRunner().invoke(app, ["web", "--db", str(world.db), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert bound[0]["host"] == "0.0.0.0" and TOKEN not in result.output
