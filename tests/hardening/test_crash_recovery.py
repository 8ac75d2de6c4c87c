"""Real processes killed with SIGKILL, and two daily runs at once.

- two `horizon run`s on one warehouse: the second exits at once (code 2) naming the first;
- the first, SIGKILLed during collection; the next, SIGKILLed during enrichment
  (HORIZON_TEST_KILL_AT=enrich:<s>); the next run finishes the work: every document once, every
  document enriched, a readable DuckDB file;
- a process SIGKILLed inside a warehouse write (HORIZON_TEST_KILL_AT=save_documents) leaves
  no half-written batch, and saving again stores each document exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL

from tests.support.data_paths import ROOT
from tests.support.hardening_world import HEALTHY, HEALTHY_NEW, KILLED_WRITE, small_snapshot
from warehouse.db import connect

pytestmark = pytest.mark.slow
HORIZON = [sys.executable, "-m", "flows.cli", "run"]
DELAYED = "regional/mirror/www.wmca.org.uk/news/index.html"


def horizon_run(snapshot: Path, db: Path, out: Path, log: Path, **env: str) -> subprocess.Popen:
    """`horizon run` of the healthy sources, on this test session's Prefect server (so a killed
    run leaves no ephemeral server behind), its output in `log`."""
    args = [*HORIZON, "--snapshot", str(snapshot), "--db", str(db), "--out", str(out)]
    for name in HEALTHY:
        args += ["--source", name]
    api = {"PREFECT_API_URL": str(PREFECT_API_URL.value())}
    with log.open("w") as handle:
        return subprocess.Popen(args, cwd=ROOT, env={**os.environ, **api, **env},
                                stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def finish(process: subprocess.Popen, log: Path, timeout: float) -> tuple[int, str]:
    return process.wait(timeout=timeout), log.read_text(encoding="utf-8", errors="replace")


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def warehouse_rows(db: Path) -> dict:
    with connect(db, read_only=True) as con:
        return {
            "documents": dict(con.execute(
                "SELECT source, count(*) FROM documents GROUP BY source").fetchall()),
            "duplicate_urls": con.execute(
                "SELECT count(*) - count(DISTINCT url) FROM documents").fetchone()[0],
            "not_enriched": con.execute(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM"
                " enrichment_state e WHERE e.document_id = d.id)").fetchone()[0],
        }


@pytest.fixture(scope="module")
def crashes(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("crash")
    snapshot = small_snapshot(base / "snapshot")
    page = snapshot / DELAYED
    slow_page = page.with_name("index.delay-30.html")
    page.rename(slow_page)  # wmca_news answers 30 s late: the run sits in collection
    db, out, lock = base / "h.duckdb", base / "out", base / "h.duckdb.lock"
    seen: dict = {}
    first = horizon_run(snapshot, db, out, base / "first.log")
    try:
        wait_for(lambda: lock.exists() and "pid" in lock.read_text(), 90, "the first run's lock")
        time.sleep(3)  # the other sources are stored; wmca_news is still being fetched
        second = horizon_run(snapshot, db, out, base / "second.log")
        seen["second_rc"], seen["second_err"] = finish(second, base / "second.log", 120)
        seen["first_alive"] = first.poll() is None
    finally:
        kill(first)
    seen["after_collection_kill"] = warehouse_rows(db)
    slow_page.rename(page)
    third = horizon_run(snapshot, db, out, base / "third.log", HORIZON_TEST_KILL_AT="enrich:3")
    seen["third_rc"], _ = finish(third, base / "third.log", 240)
    seen["after_enrich_kill"] = warehouse_rows(db)
    fourth = horizon_run(snapshot, db, out, base / "fourth.log")
    seen["fourth_rc"], seen["fourth_err"] = finish(fourth, base / "fourth.log", 300)
    seen["final"] = warehouse_rows(db)
    return seen


def test_crash_second_run_at_once_exits_with_clear_message(crashes: dict) -> None:
    assert crashes["first_alive"]
    assert crashes["second_rc"] == 2
    assert "another Horizon run (pid" in " ".join(crashes["second_err"].split())


def test_crash_kill_during_collection_leaves_readable_warehouse(crashes: dict) -> None:
    rows = crashes["after_collection_kill"]
    assert rows["duplicate_urls"] == 0
    assert "wmca_news" not in rows["documents"]  # it was still being fetched


def test_crash_kill_during_enrichment_leaves_documents_unenriched(crashes: dict) -> None:
    assert crashes["third_rc"] == -signal.SIGKILL
    rows = crashes["after_enrich_kill"]
    assert rows["documents"] == HEALTHY_NEW and rows["not_enriched"] > 0


def test_crash_next_run_finishes_the_work_without_duplicates(crashes: dict) -> None:
    assert crashes["fourth_rc"] == 0, crashes["fourth_err"][-2000:]
    assert crashes["final"] == {"documents": HEALTHY_NEW, "duplicate_urls": 0,
                                "not_enriched": 0}



def test_crash_kill_during_warehouse_write_rolls_back_whole_batch(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    run = [sys.executable, "-c", KILLED_WRITE, db]
    killed = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "HORIZON_TEST_KILL_AT": "save_documents"})
    assert killed.returncode == -signal.SIGKILL
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    again = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.stdout.strip() == "50"
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM documents").fetchone() == (
            50, 50)
