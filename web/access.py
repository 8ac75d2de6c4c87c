"""Who may use the search server: loopback by default; anywhere else only with a token.

The token comes only from the environment (`HORIZON_WEB_TOKEN`, or `.env`). When one is
configured, every request (API, page, static files, /docs, /openapi.json) must carry it:
`Authorization: Bearer <token>`, or the cookie the page sets after a one-time `/?token=<token>`
(HttpOnly, SameSite=Strict, holding a value derived from the token, not the token itself).
Comparisons use `hmac.compare_digest` on bytes. A refusal is a bare 401 that says nothing more;
the token never appears in a response, and `?token=` is scrubbed from access log lines.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_ENV = "HORIZON_WEB_TOKEN"
COOKIE = "horizon_session"
MIN_TOKEN_CHARS = 16
_REFUSAL = json.dumps({"detail": "Not authenticated"}).encode()
_TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s\"]*")


class WebSettings(BaseSettings):
    """The search server's secret, read only from the environment (or `.env`)."""

    model_config = SettingsConfigDict(env_prefix="HORIZON_", env_file=".env", extra="ignore")

    web_token: SecretStr | None = None


class AccessError(ValueError):
    """The server must not start with this address and token."""


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve anywhere
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse a non-loopback address without a token, and a token too short to be one."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise AccessError(f"{TOKEN_ENV} must be at least {MIN_TOKEN_CHARS} characters")
    if not token and not is_loopback(host):
        raise AccessError(f"binding {host} (not loopback) requires a token: set {TOKEN_ENV} in "
                          "the environment (e.g. `python -c 'import secrets; "
                          "print(secrets.token_urlsafe(32))'`)")


def token_matches(given: str | bytes | None, expected: bytes) -> bool:
    """Constant-time comparison of what the client sent with the expected bytes."""
    if given is None:
        return False
    data = given.encode("utf-8", "surrogateescape") if isinstance(given, str) else given
    return hmac.compare_digest(data, expected)


def session_value(token: bytes) -> str:
    """What the cookie holds: derived from the token, so the token itself is never stored."""
    return hmac.new(token, b"horizon-web-session", hashlib.sha256).hexdigest()


class TokenGuard:
    """ASGI middleware: every HTTP request must carry the token (header or session cookie)."""

    def __init__(self, app, token: str, open_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self._open = open_paths  # exact paths served without the token (signed feedback links)
        self._token = token.encode("utf-8")
        self._session = session_value(self._token).encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope["path"] in self._open or self._authorised(headers):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                          keep_blank_values=True)
        given = [value for key, value in query if key == "token"]
        if scope["path"] == "/" and len(given) == 1 and token_matches(given[0], self._token):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            await _respond(send, 303, b"", [
                (b"location", ("/?" + rest if rest else "/").encode("latin-1")),
                (b"set-cookie", f"{COOKIE}={self._session.decode()}; HttpOnly; "
                                "SameSite=Strict; Path=/".encode()),
                (b"cache-control", b"no-store")])
            return
        await _respond(send, 401, _REFUSAL, [(b"content-type", b"application/json"),
                                             (b"www-authenticate", b"Bearer")])

    def _authorised(self, headers: dict[bytes, bytes]) -> bool:
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer ":
            return token_matches(auth[7:].strip(), self._token)
        cookie = headers.get(b"cookie")
        if cookie:
            try:
                morsel = SimpleCookie(cookie.decode("latin-1")).get(COOKIE)
            except Exception:  # a malformed cookie header is simply not a session
                morsel = None
            if morsel is not None:
                return token_matches(morsel.value, self._session)
        return False


async def _respond(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class ScrubTokens(logging.Filter):
    """Removes `token=...` from uvicorn's access log lines (the one-time page link)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_URL.sub(r"\1[redacted]", a) if isinstance(a, str)
                                else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_URL.sub(r"\1[redacted]", record.msg)
        return True


def install_log_scrubber() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, ScrubTokens) for f in logger.filters):
        logger.addFilter(ScrubTokens())
