"""Planted secrets never leak: not in logs, run reports, the warehouse, files or exceptions.

Every secret of .env.example (SMTP password, Teams and Slack webhook URLs, the search server's
token) is set to a unique planted value. Then the delivery flows run with endpoints that fail
(SMTP refusing the login, SMTP refusing the connection, a webhook answering 500 and echoing the
request, a webhook nobody listens on) and once with endpoints that work, a `horizon run` and a
`horizon alerts --send` run as subprocesses, and every output is searched for the planted values.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

from delivery.email import SmtpConfig, build_message, send_email, stable_message_id
from delivery.webhook import send_webhook
from flows.digest_delivery import digest_delivery
from flows.funding_alerts import funding_alerts
from tests.support.data_paths import ROOT
from tests.support.delivery_crash import prepare
from tests.support.hardening_world import small_snapshot
from warehouse.config.settings import get_settings
from warehouse.db import connect

pytestmark = pytest.mark.slow
SECRET_VARIABLES = ("HORIZON_SMTP_PASSWORD", "HORIZON_TEAMS_WEBHOOK_URL",
                    "HORIZON_SLACK_WEBHOOK_URL", "HORIZON_WEB_TOKEN")


def planted(name: str) -> str:
    return f"planted{name}{uuid.uuid4().hex}"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    def __init__(self, accept_login: bool) -> None:
        self.accept_login = accept_login
        self.received = 0

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=self.accept_login)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received += 1
        return "250 OK"


def smtp(accept_login: bool) -> tuple[Controller, Mailbox]:
    box = Mailbox(accept_login)
    controller = Controller(box, hostname="127.0.0.1", port=closed_port(),
                            authenticator=box.authenticate, auth_require_tls=False,
                            auth_exclude_mechanism=["LOGIN"])
    controller.start()
    return controller, box


def webhook_server(status: int) -> tuple[ThreadingHTTPServer, list[str]]:
    """Answers every POST with `status`, echoing the path it was posted to (as some do)."""
    posts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            posts.append(self.path)
            body = f"no such hook: {self.path}".encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    return server, posts


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def prefect_logs() -> list[str]:
    lines, offset = [], 0
    with get_client(sync_client=True) as client:
        while page := client.read_logs(limit=200, offset=offset):
            lines += [log.message for log in page]
            offset += len(page)
    return lines


def warehouse_text(db: Path) -> list[str]:
    """Every value of every table, as text."""
    with connect(db, read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            " AND table_type = 'BASE TABLE'").fetchall()]
        return [str(row) for table in tables
                for row in con.execute(f'SELECT * FROM "{table}"').fetchall()]


def files_text(folder: Path) -> list[str]:
    return [path.read_bytes().decode("utf-8", "replace") for path in folder.rglob("*")
            if path.is_file() and path.stat().st_size < 20_000_000]


def use(env: dict[str, str]) -> None:
    os.environ.update(env)
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def leaks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("secrets")
    db, config = prepare(base)
    secrets = {name: planted(name.removeprefix("HORIZON_").lower().replace("_", ""))
               for name in SECRET_VARIABLES}
    failing, failing_posts = webhook_server(500)
    working, working_posts = webhook_server(200)
    refused = closed_port()
    teams_token, slack_token = secrets["HORIZON_TEAMS_WEBHOOK_URL"], secrets[
        "HORIZON_SLACK_WEBHOOK_URL"]
    secrets["HORIZON_TEAMS_WEBHOOK_URL"] = (f"http://127.0.0.1:{failing.server_address[1]}"
                                            f"/workflows/{teams_token}?sig={teams_token}")
    secrets["HORIZON_SLACK_WEBHOOK_URL"] = f"http://127.0.0.1:{refused}/services/{slack_token}"
    common = {"HORIZON_CONFIG_DIR": str(config), "HORIZON_OUT_DIR": str(base / "out"),
              "HORIZON_DB_PATH": str(db), "HORIZON_SMTP_HOST": "127.0.0.1",
              "HORIZON_SMTP_SECURITY": "none", "HORIZON_SMTP_USER": "horizon",
              "HORIZON_SEND_RETRIES": "1", "HORIZON_SEND_RETRY_DELAY_SECONDS": "0",
              "HORIZON_SMTP_TIMEOUT_SECONDS": "5", "HORIZON_WEBHOOK_TIMEOUT_SECONDS": "5"}
    saved = dict(os.environ)
    collected = Collected()
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    levels = (root.level, httpx_logger.level)
    root.addHandler(collected)
    root.setLevel(logging.DEBUG)
    httpx_logger.setLevel(logging.DEBUG)
    rejecting, _ = smtp(accept_login=False)
    accepting, box = smtp(accept_login=True)
    outputs: dict[str, list[str]] = {"exceptions": []}
    try:
        use({**common, **secrets, "HORIZON_SMTP_PORT": str(rejecting.port)})
        reports = [digest_delivery(profile="wmca", send=True),
                   funding_alerts(profile="wmca", send=True)]
        use({"HORIZON_SMTP_PORT": str(refused)})
        reports.append(digest_delivery(profile="wmca", send=True))
        env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
        snapshot = small_snapshot(base / "snapshot")
        run = subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", "--snapshot", str(snapshot),
             "--source", "wmca_news", "--db", str(base / "run.duckdb"),
             "--out", str(base / "out")], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=300)
        alerts = subprocess.run([sys.executable, "-m", "flows.cli", "alerts", "--send"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        for error in exceptions(secrets, refused, failing.server_address[1]):
            outputs["exceptions"].append("".join(traceback.format_exception(error)))
        use({"HORIZON_SMTP_PORT": str(accepting.port),
             "HORIZON_TEAMS_WEBHOOK_URL": secrets["HORIZON_TEAMS_WEBHOOK_URL"].replace(
                 str(failing.server_address[1]), str(working.server_address[1])),
             "HORIZON_SLACK_WEBHOOK_URL": secrets["HORIZON_SLACK_WEBHOOK_URL"].replace(
                 str(refused), str(working.server_address[1]))})
        reports += [digest_delivery(profile="wmca", send=True),
                    funding_alerts(profile="wmca", send=True)]
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        root.removeHandler(collected)
        root.setLevel(levels[0])
        httpx_logger.setLevel(levels[1])
        rejecting.stop()
        accepting.stop()
        failing.shutdown()
        working.shutdown()
    outputs.update({
        "python logs": collected.lines, "prefect logs": prefect_logs(),
        "run reports": [report.model_dump_json() for report in reports],
        "horizon run output": [run.stdout, run.stderr],
        "horizon alerts output": [alerts.stdout, alerts.stderr],
        "warehouse": warehouse_text(db) + warehouse_text(base / "run.duckdb"),
        "files": files_text(base / "out"),
    })
    yield {"secrets": secrets, "tokens": [teams_token, slack_token], "outputs": outputs,
           "delivered": box.received, "posts": (failing_posts, working_posts),
           "run_code": run.returncode, "alerts_code": alerts.returncode}


def exceptions(secrets: dict[str, str], refused: int, failing: int) -> list[BaseException]:
    """The errors the senders raise against failing endpoints, tracebacks included."""
    caught: list[BaseException] = []
    for url in (secrets["HORIZON_TEAMS_WEBHOOK_URL"], secrets["HORIZON_SLACK_WEBHOOK_URL"],
                "http://[::1:" + secrets["HORIZON_WEB_TOKEN"] + "/bad"):
        try:
            send_webhook(url, {"text": "x"}, timeout_seconds=2)
        except Exception as error:
            caught.append(error)
    config = SmtpConfig(host="127.0.0.1", port=refused, security="none", user="horizon",
                        password=secrets["HORIZON_SMTP_PASSWORD"], sender="h@example.org")
    message = build_message(subject="s", sender="h@example.org", to=["a@example.org"],
                            text="t", html="<p>t</p>", message_id=stable_message_id("x"),
                            date=datetime.now(UTC))
    try:
        send_email(message, config, ["a@example.org"])
    except Exception as error:
        caught.append(error)
    return caught


def found_in(leaks: dict[str, Any], kind: str) -> list[str]:
    needles = [*leaks["secrets"].values(), *leaks["tokens"]]
    return [needle[:24] for text in leaks["outputs"][kind] for needle in needles
            if needle in text]


def test_secrets_failing_and_working_runs_did_what_they_should(leaks) -> None:
    failing_posts, working_posts = leaks["posts"]
    assert failing_posts and working_posts  # the webhooks were really called, both ways
    assert leaks["delivered"] >= 2  # the digest and the alert email went out at the end
    assert len(leaks["outputs"]["exceptions"]) == 4
    assert leaks["run_code"] == 0


@pytest.mark.parametrize("kind", ["python logs", "prefect logs", "run reports", "warehouse",
                                  "files", "exceptions", "horizon run output",
                                  "horizon alerts output"])
def test_secrets_never_appear_in(leaks, kind: str) -> None:
    assert leaks["outputs"][kind], f"nothing collected from {kind}"
    assert found_in(leaks, kind) == []
