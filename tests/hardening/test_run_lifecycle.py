"""`horizon run` as a real process (issue 12, points 10 and 11, and the bad configurations):

- every bad configuration fails in one line, before Prefect is imported or started;
- Prefect's temporary server that cannot start is one line naming the fix, not a traceback;
- a SIGKILLed run leaves no crawl child and no Prefect server running, and the next run removes
  its /tmp/horizon-crawl-* folder;
- on a CPU-loaded machine the run starts (generous start-up timeout), with Prefect's database
  beside the warehouse, not in a shared ~/.prefect.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.data_paths import ROOT
from tests.support.hardening_world import small_snapshot

HORIZON = [sys.executable, "-m", "flows.cli", "run"]
DELAYED = "regional/mirror/www.wmca.org.uk/news/index.html"


def child_env(tmp: Path, **extra: str) -> dict[str, str]:
    """This environment without any Prefect server or home of the test session's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") or k == "PREFECT_SERVER_ANALYTICS_ENABLED"}
    (tmp / "tmp").mkdir(exist_ok=True)
    return {**env, "COLUMNS": "500", "TMPDIR": str(tmp / "tmp"), **extra}


def horizon(tmp: Path, *args: str, timeout: float = 300, **env: str
            ) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run([*HORIZON, *args], cwd=ROOT, env=child_env(tmp, **env),
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def one_line_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert "Traceback" not in output and len(lines) == 1, output[-3000:]
    assert lines[0].startswith("error: ")
    return lines[0]


def broken_config(tmp: Path, name: str) -> Path:
    config = tmp / "config"
    shutil.copytree(ROOT / "config", config)
    with (config / name).open("a", encoding="utf-8") as handle:
        handle.write("\n  : [\n")
    return config


BAD = {  # what is broken -> (how, words the error must hold)
    "unknown profile": (lambda t: (["--profile", "nope"], {}), "unknown profile 'nope'"),
    "setting not a number": (lambda t: ([], {"HORIZON_CRAWL_TIMEOUT_SECONDS": "soon"}),
                             "HORIZON_CRAWL_TIMEOUT_SECONDS"),
    "port out of range": (lambda t: ([], {"HORIZON_SMTP_PORT": "99999"}), "HORIZON_SMTP_PORT"),
    "govuk.yaml": (lambda t: ([], {"HORIZON_CONFIG_DIR": str(broken_config(t, "govuk.yaml"))}),
                   "govuk.yaml"),
    "signal lexicon": (lambda t: ([], {"HORIZON_CONFIG_DIR": str(
        broken_config(t, "signal_lexicon.yaml"))}), "signal_lexicon.yaml"),
    "funding terms": (lambda t: ([], {"HORIZON_CONFIG_DIR": str(
        broken_config(t, "funding_terms.yaml"))}), "funding_terms.yaml"),
    "warehouse is a folder": (lambda t: (["--db", str(t)], {}), "is a folder"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_run_bad_configuration_is_one_line_before_prefect_starts(tmp_path: Path,
                                                                 case: str) -> None:
    make, words = BAD[case]
    args, env = make(tmp_path)
    if "--db" not in args:
        args = [*args, "--db", str(tmp_path / "h.duckdb")]
    code, output, took = horizon(tmp_path, *args, "--out", str(tmp_path / "out"),
                                 "--source", "wmca_news", timeout=120, **env)
    assert code == 2 and words in one_line_error(output)
    assert not (tmp_path / ".prefect-home").exists(), "Prefect was started"
    assert took < 30, f"took {took:.0f} s"


def test_run_prefect_server_that_cannot_start_is_one_line_with_the_fix(tmp_path: Path) -> None:
    code, output, _ = horizon(
        tmp_path, "--db", str(tmp_path / "h.duckdb"), "--out", str(tmp_path / "out"),
        "--source", "wmca_news", timeout=180, HORIZON_PREFECT_STARTUP_TIMEOUT_SECONDS="5",
        PREFECT_SERVER_DATABASE_CONNECTION_URL="sqlite+aiosqlite:////nonexistent/dir/p.db")
    line = one_line_error(output)
    assert code == 2 and "HORIZON_PREFECT_STARTUP_TIMEOUT_SECONDS" in line
    assert "PREFECT_API_URL" in line
    server_log = tmp_path / ".prefect-home" / "temporary-server.log"
    assert f"server log: {server_log}" in line and server_log.is_file()  # its output kept there


def children_of(pid: int) -> dict[int, str]:
    """Every live descendant of `pid`: pid -> command line."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = {}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found[child] = commands.get(child, "")
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def cpu_load(processes: int) -> Iterator[None]:
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(processes)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


@pytest.mark.slow
def test_run_sigkill_leaves_no_process_and_next_run_cleans_its_folder(tmp_path: Path) -> None:
    snapshot = small_snapshot(tmp_path / "snapshot")
    page = snapshot / DELAYED
    page.rename(page.with_name("index.delay-60.html"))  # wmca_news answers a minute late
    db = tmp_path / "h.duckdb"
    args = [*HORIZON, "--snapshot", str(snapshot), "--db", str(db), "--out", str(tmp_path / "out"),
            "--source", "wmca_news"]
    run = subprocess.Popen(args, cwd=ROOT, env=child_env(tmp_path), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while True:
            family = children_of(run.pid)
            crawl = [p for p, c in family.items() if "scrapers.run_spider" in c]
            server = [p for p, c in family.items() if "prefect.server.api.server" in c]
            if crawl and server:
                break
            assert run.poll() is None and time.monotonic() < deadline, "no crawl started"
            time.sleep(0.5)
        time.sleep(1)
        os.kill(run.pid, signal.SIGKILL)  # the run only, as an OOM killer would
        run.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {p: c[:120] for p, c in family.items() if alive(p)}
    finally:
        for pid in children_of(run.pid) | family:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert left == {}, f"left running: {left}"
    folders = list((tmp_path / "tmp").glob("horizon-crawl-*"))
    assert folders, "the killed run left no crawl folder to clean (test setup)"
    code, output, _ = horizon(tmp_path, "--profile", "nope", "--db", str(db))
    assert code == 2 and folders[0].exists()  # a run stopped by its configuration cleans nothing
    page.with_name("index.delay-60.html").rename(page)
    code, output, _ = horizon(tmp_path, *args[len(HORIZON):], timeout=600)
    assert code == 0, output[-3000:]
    assert not any(f.exists() for f in folders)


@pytest.mark.slow
def test_run_starts_on_a_cpu_loaded_machine_with_prefect_home_beside_the_warehouse(
        tmp_path: Path) -> None:
    snapshot = small_snapshot(tmp_path / "snapshot")
    db = tmp_path / "warehouse" / "h.duckdb"
    with cpu_load(os.cpu_count() or 1):  # one busy loop per core, beside whatever runs
        code, output, _ = horizon(tmp_path, "--snapshot", str(snapshot), "--db", str(db),
                                     "--out", str(tmp_path / "out"), "--source", "wmca_news",
                                     timeout=900)
    assert code == 0, output[-3000:]
    assert (db.parent / ".prefect-home").is_dir()
    assert list((db.parent / ".prefect-home").glob("*.db")), "Prefect's database is elsewhere"
