"""Browser-facing protections of `horizon web`: a Host allow-list (against DNS rebinding: a page
on evil.example whose name is made to resolve to 127.0.0.1 sends `Host: evil.example`) and
security headers on every response (Content-Security-Policy, X-Frame-Options, nosniff).

    app.add_middleware(BrowserGuard, hosts=["127.0.0.1", "localhost", "my.host"])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
# Starlette's TestClient sends `Host: testserver` (a single label no public DNS answers for).
TEST_CLIENT_NAME = "testserver"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
       " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
       " frame-ancestors 'none'")
# FastAPI's /docs and /redoc load their scripts from a CDN: no CSP there (still no framing).
_NO_CSP = ("/docs", "/redoc")
HEADERS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer")]
_REFUSAL = json.dumps({"detail": "unknown Host"}).encode()


def host_name(value: str) -> str:
    """The name of a Host header, without its port: 'a.org:80' -> 'a.org', '[::1]:80' -> '::1'."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts(bind_host: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """Loopback names, the address the server binds (unless a wildcard) and any given."""
    names = {*LOOPBACK_NAMES, TEST_CLIENT_NAME, *(host_name(h) for h in extra)}
    if bind_host and bind_host not in ("0.0.0.0", "::", ""):
        names.add(host_name(bind_host))
    return frozenset(names)


class BrowserGuard:
    """Pure ASGI middleware: refuse unknown Hosts with 400, add the headers to what passes."""

    def __init__(self, app: Any, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(h) for h in hosts)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if host not in self.hosts:
            await send({"type": "http.response.start", "status": 400, "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_REFUSAL)).encode()), *HEADERS]})
            await send({"type": "http.response.body", "body": _REFUSAL})
            return None
        extra = HEADERS if str(scope.get("path", "")).startswith(_NO_CSP) else [
            (b"content-security-policy", CSP.encode()), *HEADERS]

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await self.app(scope, receive, with_headers)
