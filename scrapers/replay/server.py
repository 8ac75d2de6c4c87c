"""A loopback server that replays a snapshot folder as the live source hosts.

The first path segment names the original host, so one server stands in for every source at
once: Settings(replay_url=...).base_url_for("https://www.gov.uk") gives {replay}/www.gov.uk.
/robots.txt (at the root or under any host) allows everything; unknown paths are 404. Each
host's layout is in scrapers/replay/hosts.py (www.gov.uk's in replay/govuk.py and govuk_atom.py).
Every 200 carries an ETag (a hash of the body) and a matching If-None-Match gets 304, as
conditional requests would on the live hosts.

    horizon replay --snapshot ../shared/samples --port 8800
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from scrapers.govuk.config import load_supergroups
from scrapers.replay.govuk import GovukReplay
from scrapers.replay.govuk_atom import atom_reply
from scrapers.replay.hosts import REPLAYS, Mirror
from scrapers.replay.reply import NOT_FOUND, Reply
from warehouse.config.settings import Settings

ROBOTS = b"User-agent: *\nAllow: /\n"


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, hosts: dict[str, Any], mirror: Mirror | None = None) -> None:
        super().__init__(("127.0.0.1", port), ReplayHandler)
        self.hosts = hosts
        self.mirror = mirror

    def route(self, target: str) -> Reply:
        parts = urlsplit(target)
        path = unquote(parts.path)
        host, _, rest = path.lstrip("/").partition("/")
        if path == "/robots.txt" or rest == "robots.txt":
            return 200, "text/plain; charset=utf-8", ROBOTS
        mirrored = self.mirror.handle(host, "/" + rest) if self.mirror else None
        if mirrored is not None:
            return mirrored
        site = self.hosts.get(host)
        if site is None:
            return NOT_FOUND
        return site.handle("/" + rest, parse_qs(parts.query, keep_blank_values=True))


class ReplayHandler(BaseHTTPRequestHandler):
    server: ReplayServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        status, content_type, body = self.server.route(self.path)
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status, body = 304, b""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status in (200, 304):
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a replay serves hundreds of requests per crawl."""


def build_server(snapshot_dir: Path, *, port: int = 0,
                 config_dir: Path | None = None) -> ReplayServer:
    if not snapshot_dir.is_dir():
        raise FileNotFoundError(f"snapshot folder not found: {snapshot_dir}")
    supergroups = load_supergroups(config_dir or Settings().config_dir)
    hosts: dict[str, Any] = {GovukSite.host: GovukSite(snapshot_dir, supergroups)}
    hosts.update({replay.host: replay(snapshot_dir) for replay in REPLAYS})
    return ReplayServer(port, hosts, Mirror(snapshot_dir))


class GovukSite(GovukReplay):
    """www.gov.uk: the Content and Search APIs, and the Atom feeds built from the same items."""

    def __init__(self, snapshot_dir: Path, supergroups: Any) -> None:
        super().__init__(snapshot_dir, supergroups)
        self.feeds_dir = snapshot_dir / "govuk" / "feeds"

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        feed = atom_reply(self.index, self.feeds_dir, path, query)
        return feed if feed is not None else super().handle(path, query)


@contextmanager
def serve_snapshot(snapshot_dir: Path, *, port: int = 0,
                   config_dir: Path | None = None) -> Iterator[str]:
    """Serve `snapshot_dir` on loopback (a free port by default); yields http://127.0.0.1:PORT."""
    server = build_server(snapshot_dir, port=port, config_dir=config_dir)
    thread = threading.Thread(target=server.serve_forever, name="replay", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
