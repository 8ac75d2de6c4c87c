"""A loopback stand-in for GOV.UK's Search and Content APIs, holding constructed items (ours).

    with govuk_server() as server:
        server.items["/government/news/a"] = content_item("/government/news/a", "A", when)
        settings = Settings(replay_url=server.url)   # www.gov.uk is reached through it

Search: newest first, `start`/`count` paging and `filter_public_timestamp=from:<day>`, like the
real API. A body may be any bytes (an item that breaks the parser).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from warehouse.config.sources import SourceConfig

SUPERGROUP = "news_and_communications"
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def content_item(base_path: str, title: str, when: datetime, **extra: Any) -> bytes:
    data = {"base_path": base_path, "title": title, "document_type": "news_story",
            "description": f"{title}: a constructed test item.",
            "first_published_at": when.isoformat(), "public_updated_at": when.isoformat(),
            "details": {"body": f"<p>{title} for the West Midlands.</p>"},
            "links": {"organisations": [{"title": "Department for Transport"}]}}
    for key, value in extra.items():
        target = data
        *parents, last = key.split("__")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = value
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@dataclass
class Item:
    body: bytes
    when: datetime
    title: str


@dataclass
class GovukServerState:
    items: dict[str, Item] = field(default_factory=dict)
    content_hits: dict[str, int] = field(default_factory=dict)

    def add(self, base_path: str, title: str, when: datetime, body: bytes | None = None,
            **extra: Any) -> None:
        self.items[base_path] = Item(body if body is not None else content_item(
            base_path, title, when, **extra), when, title)

    def add_many(self, count: int, prefix: str = "/government/news/item") -> list[str]:
        paths = [f"{prefix}-{n:04d}" for n in range(count)]
        for n, path in enumerate(paths):
            self.add(path, f"Item {n}", START + timedelta(hours=n))
        return paths


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        _host, _, rest = parts.path.lstrip("/").partition("/")
        path = "/" + rest
        state = self.server.state
        if path == "/api/search.json":
            self._json(self._search(parse_qs(parts.query)))
        elif path.startswith("/api/content/"):
            base_path = path.removeprefix("/api/content")
            state.content_hits[base_path] = state.content_hits.get(base_path, 0) + 1
            item = state.items.get(base_path)
            self._reply(200 if item else 404, item.body if item else b"{}")
        else:
            self._reply(404, b"not here", "text/plain")

    def _search(self, query: dict[str, list[str]]) -> dict[str, Any]:
        since: date | None = None
        for value in query.get("filter_public_timestamp", []):
            since = date.fromisoformat(value.removeprefix("from:")[:10])
        hits = sorted(((p, i) for p, i in self.server.state.items.items()
                       if since is None or i.when.date() >= since),
                      key=lambda pair: pair[1].when, reverse=True)
        start, count = int(query.get("start", ["0"])[0]), int(query.get("count", ["10"])[0])
        return {"results": [{"link": p, "title": i.title, "public_timestamp": i.when.isoformat(),
                             "content_store_document_type": "news_story"}
                            for p, i in hits[start:start + count]],
                "total": len(hits), "start": start}

    def _json(self, data: dict[str, Any]) -> None:
        self._reply(200, json.dumps(data).encode())

    def _reply(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: GovukServerState


@contextmanager
def govuk_server() -> Iterator[tuple[GovukServerState, str]]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = GovukServerState()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def govuk_source(max_items: int = 500, name: str = "govuk_test") -> SourceConfig:
    return SourceConfig(name=name, spider="govuk_search", description="constructed GOV.UK",
                        base_url="https://www.gov.uk", params={"supergroup": SUPERGROUP},
                        max_items=max_items, max_requests_per_second=10,
                        concurrency_per_host=4)
