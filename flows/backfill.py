"""Backfill a date range: collection windows and enrichment batches fanned out through Dask.

`horizon backfill --from DATE --to DATE [--sources ...]` cuts the range into windows per source
(`window_days` each). Workers (Dask, through prefect-dask's DaskTaskRunner: a LocalCluster of
single-threaded worker processes by default, any scheduler at HORIZON_DASK_ADDRESS) crawl a
window and return its documents, or encode and score a batch and return the enrichments; they
never open the warehouse. The flow process is the one writer: it saves each window's documents,
then their enrichments, then records the window as done in `backfill_windows` (migration 010).
A crashed backfill resumes from the windows not recorded: saves are idempotent upserts keyed by
deterministic ids, so a window done twice leaves the same rows.

The crawlers take a start date only, so a window's crawl lists everything since its start and
keeps the documents dated inside it (published, else updated; undated ones go to the first
window); on a real archive a source would need an end-date filter to make windows cheap.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

from scrapers.crawl import run_crawl
from warehouse.db import connect, kill_point
from warehouse.records import Document, Enrichment
from warehouse.save import save_documents, save_enrichments
from warehouse.settings import Settings, apply_offline_environment, get_settings
from warehouse.sources import SourceConfig


@dataclass(frozen=True)
class Window:
    source: str
    start: date
    end: date  # exclusive

    def holds(self, document: Document, first: date) -> bool:
        stamp = document.published_at or document.updated_at
        day = stamp.date() if stamp else first
        return self.start <= day < self.end


def windows(sources: list[str], start: date, end: date, days: int) -> list[Window]:
    """[start, end] inclusive, cut into windows of `days`, for each source (oldest first)."""
    out = []
    at = start
    while at <= end:
        stop = min(at + timedelta(days=days), end + timedelta(days=1))
        out += [Window(source, at, stop) for source in sources]
        at = stop
    return out


def done_windows(con, profile: str) -> set[Window]:
    return {Window(s, a, b) for s, a, b in con.execute(
        "SELECT source, window_start, window_end FROM backfill_windows WHERE profile = ?",
        [profile]).fetchall()}


@task(name="backfill-collect", cache_policy=NONE, retries=1, retry_delay_seconds=5)
def collect_window(source: SourceConfig, settings: Settings, window: Window,
                   first: date) -> list[Document]:
    with tempfile.TemporaryDirectory(prefix="horizon-backfill-") as workdir:
        result = run_crawl(source, settings, Path(workdir), since=window.start, known={})
    return [d for d in result.documents if window.holds(d, first)]


@task(name="backfill-enrich", cache_policy=NONE)
def enrich_batch(documents: list[Document], profile_id: str, config_dir: Path
                 ) -> list[Enrichment]:
    """On a worker: its own encoder and kit (loaded once per worker process)."""
    from flows.tasks.enrich import encoder_for, kit_for, nlp_config
    from nlp.enrich import enrich_documents
    from warehouse.profiles import load_profile

    profile = load_profile(config_dir, profile_id)
    return enrich_documents(documents, kit_for(config_dir, profile), encoder_for(config_dir),
                            nlp_config(config_dir))


@contextmanager
def shared_api(port: int | None = None) -> Iterator[None]:
    """One temporary Prefect API for the flow and its Dask workers, unless PREFECT_API_URL is
    set: a worker process would otherwise start a temporary server of its own per process."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer(port=port or None)
    server.start(timeout=180)
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by the worker processes
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def task_runner(workers: int, address: str | None, scheduler_port: int = 0,
                dashboard_port: int = 0):
    """Dask at `address`, else a LocalCluster of `workers` single-threaded processes on
    loopback (scheduler and its HTTP dashboard on these ports, 0 = any free port: distributed
    serves the dashboard routes even without bokeh, and None does not turn them off)."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": workers, "threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
        "scheduler_port": scheduler_port, "dashboard_address": f"127.0.0.1:{dashboard_port}"})


# Called by the writer after each window: (windows done, windows to do, documents so far). A
# module hook, not a flow parameter: Prefect ships flow parameters to the workers.
PROGRESS: list[Callable[[int, int, int], None]] = []


@flow(name="backfill", log_prints=True)
def backfill(start: date, end: date, profile: str = "wmca", sources: list[str] | None = None,
             snapshot: str | None = None, db: str | None = None, window_days: int = 7,
             batch: int = 32) -> dict:
    """Collect and enrich [start, end] (inclusive); returns counts."""
    from flows.daily_digest import replaying, resolve_sources
    from flows.runtime.lock import warehouse_lock
    from warehouse.profiles import load_profile

    apply_offline_environment()
    settings = get_settings()
    active = load_profile(settings.config_dir, profile)
    configs = {s.name: s for s in resolve_sources(active, settings, sources)}
    db_path = Path(db) if db else settings.database_path
    counts = {"windows": 0, "skipped": 0, "documents": 0, "enriched": 0}
    with (warehouse_lock(db_path), connect(db_path) as con,
          replaying(settings, Path(snapshot).resolve() if snapshot else None) as live):
        planned = windows(list(configs), start, end, window_days)
        done = done_windows(con, active.id)
        todo = [w for w in planned if w not in done]
        counts["skipped"] = len(planned) - len(todo)
        collected = [collect_window.submit(configs[w.source], live, w, start) for w in todo]
        pending = None  # the previous window and its enrichment futures: one window in flight
        for window, future in zip(todo, collected, strict=True):
            documents = future.result()
            save_documents(con, documents)
            batches = [documents[i:i + batch] for i in range(0, len(documents), batch)]
            submitted = (window, documents,
                         [enrich_batch.submit(b, active.id, settings.config_dir) for b in batches])
            if pending:
                _finish(con, active.id, *pending, counts, len(todo))
            pending = submitted
        if pending:
            _finish(con, active.id, *pending, counts, len(todo))
    return counts


def _finish(con, profile: str, window: Window, documents: list[Document], futures: list,
            counts: dict, total: int) -> None:
    """The writer: a window's enrichments saved, then the window recorded as done."""
    hashes = {d.id: d.content_hash for d in documents}
    enriched = 0
    for future in futures:
        enriched += save_enrichments(con, future.result(), profile=profile,
                                     content_hashes=hashes)
    con.execute("INSERT OR REPLACE INTO backfill_windows VALUES (?, ?, ?, ?, ?, ?, ?)",
                [window.source, window.start, window.end, profile, len(documents), enriched,
                 datetime.now(UTC)])
    kill_point("backfill_window")  # crash tests only (HORIZON_TEST_KILL_AT)
    counts["windows"] += 1
    counts["documents"] += len(documents)
    counts["enriched"] += enriched
    for report in PROGRESS:
        report(counts["windows"], total, counts["documents"])
