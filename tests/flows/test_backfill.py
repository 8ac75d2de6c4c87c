"""`horizon backfill` on the demo snapshot (replayed): windows, resume after a kill, no duplicates.

Slow (a Dask LocalCluster and the real encoder in each worker process; about 1.5 minutes for the
three runs on an idle 2-core machine): one source, two windows. Its first version hung: the killed
run's Prefect API server outlived it holding the test's pipes, and a finished run waited at exit
to send logs to a server it had already stopped (flows/runtime/dask.py now drains, then stops,
and the server dies with its process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from flows.tasks.backfill_windows import Window, windows
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "govuk_news"


def test_backfill_windows_cover_the_range_once() -> None:
    planned = windows(["a", "b"], date(2026, 11, 16), date(2026, 11, 22), 3)
    assert [(w.start.day, w.end.day) for w in planned if w.source == "a"] == [
        (16, 19), (19, 22), (22, 23)]
    assert len(planned) == 6 and Window("b", date(2026, 11, 22), date(2026, 11, 23)) in planned


def _backfill(db: Path, **env: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "flows.cli", "backfill", "--from", "2026-11-16", "--to",
               "2026-11-22", "--window-days", "4", "--sources", SOURCE, "--snapshot",
               str(ROOT / "demo" / "snapshot"), "--workers", "1"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1500,
                          env={**os.environ, "HORIZON_DB_PATH": str(db),
                               "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", **env})


def _rows(db: Path) -> dict:
    with connect(db, read_only=True) as con:
        return {
            "documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
            "duplicate_urls": con.execute(
                "SELECT count(*) - count(DISTINCT url) FROM documents").fetchone()[0],
            "chunks": con.execute("SELECT count(*) FROM chunks").fetchone()[0],
            "not_enriched": con.execute(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM"
                " enrichment_state e WHERE e.document_id = d.id)").fetchone()[0],
            "windows": con.execute("SELECT count(*) FROM backfill_windows").fetchone()[0],
        }


@pytest.mark.slow
def test_backfill_killed_resumes_without_duplicates(tmp_path: Path) -> None:
    killed = _backfill(tmp_path / "k.duckdb", HORIZON_TEST_KILL_AT="backfill_window")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert _rows(tmp_path / "k.duckdb")["windows"] == 1
    resumed = _backfill(tmp_path / "k.duckdb")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "(1 already done)" in resumed.stdout
    whole = _backfill(tmp_path / "w.duckdb")
    assert whole.returncode == 0, whole.stderr[-3000:]
    after, once = _rows(tmp_path / "k.duckdb"), _rows(tmp_path / "w.duckdb")
    assert after == once and once["documents"] > 0
    assert once["duplicate_urls"] == once["not_enriched"] == 0 and once["windows"] == 2
