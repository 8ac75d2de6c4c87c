"""Starting Prefect for one `horizon` command: its home beside the warehouse, a generous start-up
timeout for the temporary server, client retries, a one-line error, and no server left behind.

    prepare_environment(db_path, settings)   # before Prefect is imported
    start_temporary_server(settings)         # then, before the first flow call

Nothing here imports Prefect at module level: `prepare_environment` must run before it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scrapers.lifetime import die_with_parent
from warehouse.config.settings import Settings

CLIENT_MAX_RETRIES = "10"
CRAWL_PREFIX = "horizon-crawl-"
SERVER_LOG = "temporary-server.log"


class PrefectUnavailable(RuntimeError):
    """Prefect's API could not be reached or started; the message says what to do."""


def prefect_home_for(db_path: Path) -> Path:
    return db_path.resolve().parent / ".prefect-home"


def prepare_environment(db_path: Path, settings: Settings) -> None:
    """Prefect's settings for this process and its children, unless the user gave their own."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home_for(db_path)))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                          str(settings.prefect_startup_timeout_seconds))
    os.environ.setdefault("PREFECT_CLIENT_MAX_RETRIES", CLIENT_MAX_RETRIES)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)


def start_temporary_server(settings: Settings) -> str | None:
    """Start Prefect's temporary server now (killed with this process, even by SIGKILL) unless
    PREFECT_API_URL names one; return its API URL. PrefectUnavailable when it cannot start."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    return temporary_server(settings).api_url


def temporary_server(settings: Settings, port: int | None = None) -> Any:
    """Prefect's temporary API server, started on `port` (None: any free one) so that the
    kernel kills it with this process, even by SIGKILL: a killed run leaves no server behind
    (nor one holding the pipes of whoever ran it). PrefectUnavailable when it cannot start."""
    from prefect.server.api.server import SubprocessASGIServer

    class MortalServer(SubprocessASGIServer):
        """Prefect's temporary server, started so that the kernel kills it with this process."""

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            original = subprocess.Popen

            def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
                # The server's own output (a traceback when it cannot start) goes to its log
                # beside the Prefect home, not into the command's output.
                with server_log.open("ab") as log:
                    return original(*args, preexec_fn=die_with_parent, stdout=log,
                                    stderr=subprocess.STDOUT, **kwargs)

            subprocess.Popen = popen  # type: ignore[misc]
            try:
                return super()._run_uvicorn_command()
            finally:
                subprocess.Popen = original  # type: ignore[misc]

    server_log = Path(os.environ.get("PREFECT_HOME", tempfile.gettempdir())) / SERVER_LOG
    timeout = settings.prefect_startup_timeout_seconds
    server = MortalServer(port=port)  # Prefect's own client finds this instance (one per port)
    try:
        server.start(timeout=timeout)
    except Exception as error:
        first = str(error).split(" stdout:")[0].strip().splitlines()[0][:200] if str(error) else \
            type(error).__name__
        raise PrefectUnavailable(
            f"Prefect's temporary server did not start within {timeout} s ({first}). On a busy"
            " machine raise HORIZON_PREFECT_STARTUP_TIMEOUT_SECONDS, or run `prefect server"
            " start` and set PREFECT_API_URL=http://127.0.0.1:4200/api (server log:"
            f" {server_log})") from error
    return server


def drain_prefect_services(timeout: float = 60) -> None:
    """Send the logs and events Prefect still holds while its API is up. Stopping a temporary
    server first leaves them to be retried at interpreter exit against nothing: the process
    then hangs in Prefect's exit hook instead of ending (as Prefect's own test harness does,
    drain, then stop)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)


@contextmanager
def crawl_workdir() -> Iterator[Path]:
    """A temporary folder for a run's crawls, holding its owner's pid: a later run removes it
    only if this process died (`clean_dead_crawl_folders`)."""
    with tempfile.TemporaryDirectory(prefix=CRAWL_PREFIX) as workdir:
        (Path(workdir) / "owner.pid").write_text(str(os.getpid()), encoding="utf-8")
        yield Path(workdir)


def clean_dead_crawl_folders(root: Path | None = None) -> list[Path]:
    """Remove the /tmp/horizon-crawl-* folders of runs that died (their owner pid is gone)."""
    root = root or Path(tempfile.gettempdir())
    removed = []
    for folder in root.glob(f"{CRAWL_PREFIX}*"):
        owner = folder / "owner.pid"
        try:
            pid = int(owner.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and _alive(pid):
            continue
        if pid is None and not _stale(folder):
            continue  # a folder being set up right now, or another tool's
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(folder: Path, seconds: float = 6 * 3600) -> bool:
    import time

    try:
        return time.time() - folder.stat().st_mtime > seconds
    except OSError:
        return False
