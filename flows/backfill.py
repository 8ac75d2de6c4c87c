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

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow

from flows.runtime.lock import warehouse_lock
from flows.runtime.preflight import resolve_sources
from flows.runtime.snapshot import replaying
from flows.tasks.backfill_windows import (
    Window,
    collect_window,
    done_windows,
    enrich_batch,
    windows,
)
from warehouse.config.profiles import load_profile
from warehouse.config.settings import apply_offline_environment, get_settings
from warehouse.db import connect, kill_point
from warehouse.records import Document
from warehouse.save import save_documents, save_enrichments

# Called by the writer after each window: (windows done, windows to do, documents so far). A
# module hook, not a flow parameter: Prefect ships flow parameters to the workers.
PROGRESS: list[Callable[[int, int, int], None]] = []


@flow(name="backfill", log_prints=True)
def backfill(start: date, end: date, profile: str = "wmca", sources: list[str] | None = None,
             snapshot: str | None = None, db: str | None = None, window_days: int = 7,
             batch: int = 32) -> dict:
    """Collect and enrich [start, end] (inclusive); returns counts."""
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
