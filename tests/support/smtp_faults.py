"""A real SMTP server on loopback that misbehaves on purpose, and a webhook receiver that does.

`FaultySmtp` speaks enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) over a
real socket, and can: answer QUIT with 421 (or drop instead), drop the connection right after
its 250 to the message, refuse chosen recipients with 550, and wait before its reply to the
final "." (a slow relay). Like a real relay it has taken the message once it has read the
final "." and decided to answer 250, whether or not the client is still there to read that.

`FaultyWebhook` records every POST (path, headers, body) as it arrives, then can wait before
answering (slower than the client's timeout) or answer 404 with a body quoting pieces of the
URL it was posted to, as some servers do.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass
class Accepted:
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpBehaviour:
    quit_reply: str = "221 2.0.0 bye"  # "421 ..." or "drop"
    drop_after_accept: bool = False
    refuse: set[str] = field(default_factory=set)  # recipients answered 550 at RCPT
    final_reply_delay: float = 0.0  # seconds before the reply to the final "."


class _LoopbackServer:
    """A socketserver on 127.0.0.1 served from a daemon thread while the `with` block runs."""

    server: socketserver.BaseServer

    def _serve(self, server: socketserver.BaseServer) -> None:
        self.server = server
        server.daemon_threads = True  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class FaultySmtp(_LoopbackServer):
    def __init__(self, behaviour: SmtpBehaviour | None = None) -> None:
        self.behaviour = behaviour or SmtpBehaviour()
        self.accepted: list[Accepted] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._session(self)

        self._serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler))
        self.port = self.server.server_address[1]


    def per_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.accepted:
            for rcpt in item.recipients:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts

    def _session(self, handler: socketserver.StreamRequestHandler) -> None:
        out, read = handler.wfile, handler.rfile
        rcpts: list[str] = []

        def say(line: str) -> None:
            out.write(line.encode() + b"\r\n")
            out.flush()

        try:
            say("220 faulty.test ESMTP")
            while line := read.readline():
                verb = line[:4].decode(errors="replace").upper()
                if verb in ("EHLO", "HELO"):
                    say("250-faulty.test")
                    say("250 8BITMIME")
                elif verb == "MAIL":
                    rcpts = []
                    say("250 2.1.0 ok")
                elif verb == "RCPT":
                    address = line.decode().partition(":")[2].strip().strip("<>")
                    if address in self.behaviour.refuse:
                        say("550 5.1.1 no such user")
                    else:
                        rcpts.append(address)
                        say("250 2.1.5 ok")
                elif verb == "DATA":
                    say("354 go ahead")
                    body = b""
                    while (chunk := read.readline()) not in (b".\r\n", b""):
                        body += chunk[1:] if chunk.startswith(b"..") else chunk
                    with self.lock:  # the message is taken: the reply below is its receipt
                        self.accepted.append(Accepted(list(rcpts), message_from_bytes(
                            body, policy=policy.default)))
                    time.sleep(self.behaviour.final_reply_delay)
                    say("250 2.0.0 queued")
                    if self.behaviour.drop_after_accept:
                        return
                elif verb == "QUIT":
                    if self.behaviour.quit_reply != "drop":
                        say(self.behaviour.quit_reply)
                    return
                else:  # RSET, NOOP
                    say("250 ok")
        except OSError:  # the client went away
            return


@dataclass
class Post:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]


class FaultyWebhook(_LoopbackServer):
    """`delay`: seconds before answering; `quote`: answer 404 quoting the URL's pieces."""

    def __init__(self, delay: float = 0.0, quote: bool = False) -> None:
        self.delay, self.quote = delay, quote
        self.posts: list[Post] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                parts = urlsplit(self.path)
                outer.posts.append(Post(parts.path, parse_qs(parts.query), dict(self.headers),
                                        body))
                time.sleep(outer.delay)
                status, text = 200, "1"
                if outer.quote:
                    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
                    sig = parse_qs(parts.query).get("sig", [""])[0]
                    status = 404
                    text = (f"Workflow trigger '{last}' not found; the signature {sig} is not"
                            f" valid for segment {parts.path.split('/')[2]}")
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(text.encode())))
                    self.end_headers()
                    self.wfile.write(text.encode())
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"



def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
