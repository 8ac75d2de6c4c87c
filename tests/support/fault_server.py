"""A loopback replay server that can also misbehave, host by host.

    with fault_server(snapshot) as server:
        server.faults["fail.example.org"] = "http_500"
        settings = Settings(replay_url=server.url)

Hosts without a fault are served from the snapshot exactly as scrapers/replay/ does. A faulty
host answers every path with its fault; `ok_feed` / `ok_json` give a healthy RSS feed or Bills API
page for that host, so a test can heal a source and check the next run catches up.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapers.replay import ReplayHandler, ReplayServer, build_server

RSS = "application/rss+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
HUGE_BYTES = 50 * 1024 * 1024
STALL_SECONDS = 6.0


def rss(host: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed; items are (slug, title, pubDate)."""
    body = "".join(
        f"<item><title>{title}</title><link>https://{host}/news/{slug}</link>"
        f"<guid>https://{host}/news/{slug}</guid><pubDate>{when}</pubDate>"
        f"<description>{title} for the West Midlands.</description></item>"
        for slug, title, when in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{host}</title><link>https://{host}/</link>{body}</channel></rss>").encode()


def good_feed(host: str) -> bytes:
    return rss(host, [
        ("first-story", "Skills fund opens", "Tue, 17 Nov 2026 09:00:00 +0000"),
        ("second-story", "Bus franchising update", "Wed, 18 Nov 2026 10:30:00 +0000")])


def bills_page(first_id: int) -> bytes:
    items = [{"billId": first_id + n, "shortTitle": f"Test Bill {first_id + n}",
              "lastUpdate": f"2026-11-1{8 - n}T10:00:00", "currentHouse": "Commons",
              "currentStage": {"description": "2nd reading", "house": "Commons",
                               "stageSittings": [{"date": "2026-11-18T00:00:00"}]}}
             for n in range(2)]
    return json.dumps({"items": items, "totalResults": 2, "itemsPerPage": 50}).encode()


class FaultServer(ReplayServer):
    def __init__(self, snapshot: Path) -> None:
        replay = build_server(snapshot)
        replay.server_close()
        super().__init__(0, replay.hosts, replay.mirror)
        self.RequestHandlerClass = FaultHandler
        self.faults: dict[str, str] = {}
        self.hits: dict[str, int] = {}
        self.hit_times: dict[str, list[float]] = {}  # time.monotonic() of each faulty-host hit
        # The Retry-After the `*_then_ok` faults send (a callable: computed when answering).
        self.retry_after: str | Callable[[], str] = "2"
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.offsite_url = ""  # where `redirect_offsite` points (another loopback server)


class FaultHandler(ReplayHandler):
    server: FaultServer

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        host, _, rest = path.lstrip("/").partition("/")
        fault = self.server.faults.get(host)
        if fault is None or rest == "robots.txt":
            return super().do_GET()
        self.server.hits[host] = self.server.hits.get(host, 0) + 1
        self.server.hit_times.setdefault(host, []).append(time.monotonic())
        with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up, rightly
            FAULTS[fault](self, host, rest)

    def reply(self, status: int, body: bytes, content_type: str = RSS,
              headers: dict[str, str] | None = None, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


def _huge(handler: FaultHandler, host: str, rest: str) -> None:
    """50 MB with no Content-Length: the client can only notice by counting what it reads."""
    handler.close_connection = True
    handler.send_response(200)
    handler.send_header("Content-Type", RSS)
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
    handler.wfile.write(good_feed(host)[:-len(b"</channel></rss>")])
    for _ in range(HUGE_BYTES // len(chunk)):
        handler.wfile.write(chunk)


def _hang(handler: FaultHandler, host: str, rest: str) -> None:
    body = good_feed(host)
    handler.close_connection = True
    handler.reply(200, body[:120], length=len(body))
    time.sleep(STALL_SECONDS)


def _not_utf8(handler: FaultHandler, host: str, rest: str) -> None:
    body = rss(host, [("caf\xe9", "Caf\xe9 culture \xa3 5m fund", "Tue, 17 Nov 2026 09:00:00 GMT")])
    handler.reply(200, body.decode("utf-8").encode("latin-1") + b"\xff\xfe\x80")


def _busy_then_ok(status: int) -> Fault:
    """`status` with the server's Retry-After on a host's first hit, a healthy feed after."""
    def fault(handler: FaultHandler, host: str, rest: str) -> None:
        if handler.server.hits[host] == 1:
            after = handler.server.retry_after
            handler.reply(status, b"busy", "text/plain",
                          {"Retry-After": after() if callable(after) else after})
        else:
            handler.reply(200, good_feed(host))
    return fault


Fault = Callable[[FaultHandler, str, str], None]
FAULTS: dict[str, Fault] = {
    "ok_feed": lambda h, host, rest: h.reply(200, good_feed(host)),
    "ok_json": lambda h, host, rest: h.reply(
        200, bills_page(7000 + zlib.crc32(host.encode()) % 1000 * 10), JSON),
    "http_500": lambda h, host, rest: h.reply(500, b"internal error", "text/plain"),
    "http_429": lambda h, host, rest: h.reply(429, b"slow down", "text/plain",
                                              {"Retry-After": "120"}),
    "timeout": lambda h, host, rest: (time.sleep(STALL_SECONDS), h.reply(200, good_feed(host))),
    "hang_mid_body": _hang,
    "redirect_loop": lambda h, host, rest: h.reply(302, b"", headers={
        "Location": f"{h.server.url}/{host}/{rest}"}),
    "redirect_offsite": lambda h, host, rest: h.reply(302, b"", headers={
        "Location": f"{h.server.offsite_url}/{rest}"}),
    "redirect_to_mirror": lambda h, host, rest: h.reply(302, b"", headers={
        "Location": f"{h.server.url}/mirror.example.org/{rest}"}),
    "html_for_json": lambda h, host, rest: h.reply(
        200, b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>",
        "text/html; charset=utf-8"),
    "truncated_json": lambda h, host, rest: h.reply(200, bills_page(7100)[:150], JSON),
    "empty_feed": lambda h, host, rest: h.reply(200, rss(host, [])),
    "impossible_dates": lambda h, host, rest: h.reply(200, rss(host, [
        ("feb-30", "Thirtieth of February", "Mon, 30 Feb 2026 25:61:00 +0000"),
        ("year-0", "Year zero", "Sat, 01 Jan 0000 00:00:00 +0000"),
        ("far-future", "Far future", "Fri, 31 Dec 9999 23:59:59 -1200")])),
    "huge_body": _huge,
    "not_utf8": _not_utf8,
    "http_429_then_ok": _busy_then_ok(429),
    "http_503_then_ok": _busy_then_ok(503),
}


@contextmanager
def fault_server(snapshot: Path) -> Iterator[FaultServer]:
    server = FaultServer(snapshot)
    thread = threading.Thread(target=server.serve_forever, name="faults", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
