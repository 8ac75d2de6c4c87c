"""A small warehouse, a real SMTP server and a real webhook receiver, all on loopback.

Used by the delivery flow tests: documents are stored with hand-set theme scores and insights
(the enrichment is not under test here), and settings point the flows at these servers.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from aiosmtpd.controller import Controller

from tests.support.factories import make_document
from warehouse.config.settings import PROJECT_ROOT, get_settings
from warehouse.db import connect
from warehouse.records import Chunk, Document, DocumentInsight, Enrichment, ThemeScore
from warehouse.save import save_documents, save_enrichments

RECIPIENTS = ["chief.of.staff@wmca.example", "policy.team@wmca.example"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(target: Path, **profile_overrides: Any) -> Path:
    """A copy of config/ whose wmca profile has recipients (and any overrides)."""
    shutil.copytree(PROJECT_ROOT / "config", target)
    path = target / "profiles" / "wmca.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["digest"] = {**data.get("digest", {}), "recipients": RECIPIENTS}
    for key, value in profile_overrides.items():
        data[key] = {**data.get(key, {}), **value}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


def store(db: Path, document: Document, *, seen: datetime,
          themes: dict[str, float] | None = None, insight: dict[str, Any] | None = None) -> None:
    """Save a document as first seen (or changed) at `seen`, with its judgement for wmca."""
    scores = [ThemeScore(document_id=document.id, profile="wmca", theme=theme, score=score,
                         above_threshold=score >= 0.3, evidence=f"{theme} evidence",
                         model_version="test")
              for theme, score in (themes or {}).items()]
    judged = DocumentInsight(document_id=document.id, profile="wmca", model_version="test",
                             **insight) if insight is not None else None
    enrichment = Enrichment(document_id=document.id,
                            chunks=[Chunk.of(document.id, 0, document.title)],
                            embeddings=[[0.0] * 384], theme_scores=scores, insight=judged,
                            model_version="test")
    with connect(db) as con:
        save_documents(con, [document], now=seen)
        save_enrichments(con, [enrichment], profile="wmca",
                         content_hashes={document.id: document.content_hash}, now=seen)


def bus_story(**overrides: Any) -> Document:
    """The factory's bus story, published an hour ago unless told (the digest judges age and
    deadlines at its own day's morning, so a fixed date would age out of a wall-clock test)."""
    recent = datetime.now(UTC) - timedelta(hours=1)
    return make_document(**{"published_at": recent, "updated_at": recent, **overrides})


# --- SMTP ------------------------------------------------------------------------------------

@dataclass
class SmtpHandler:
    """Accepts mail; refuses the next `refuse` DATA commands with a temporary error."""

    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server(**controller_kwargs: Any) -> Iterator[tuple[SmtpHandler, int]]:
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **controller_kwargs)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@contextmanager
def dropping_server() -> Iterator[int]:
    """Accepts TCP connections and closes them at once: an SMTP server that drops you."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


# --- webhooks --------------------------------------------------------------------------------

@dataclass
class WebhookLog:
    posts: list[tuple[str, dict]] = field(default_factory=list)
    fail: int = 0  # answer the next `fail` posts with HTTP 500

    def bodies(self, path: str) -> list[dict]:
        return [body for p, body in self.posts if p == path]


@contextmanager
def webhook_receiver() -> Iterator[tuple[WebhookLog, str]]:
    log = WebhookLog()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if log.fail > 0:
                log.fail -= 1
                self.send_response(500)
                self.end_headers()
                return
            log.posts.append((self.path, body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"1")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield log, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def use_settings(monkeypatch, **values: Any) -> None:
    """Point the flows' settings at test values (HORIZON_* environment), fresh each time."""
    for name, value in values.items():
        monkeypatch.setenv(f"HORIZON_{name.upper()}", str(value))
    monkeypatch.setenv("HORIZON_SEND_RETRY_DELAY_SECONDS", "0")
    get_settings.cache_clear()
