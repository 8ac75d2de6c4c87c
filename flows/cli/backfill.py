"""`horizon backfill --from DATE --to DATE`: collect and enrich a past range through Dask."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from flows.cli.common import errors, fail, parse_day


def backfill(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive (YYYY-MM-DD).")],
    sources: Annotated[list[str] | None, typer.Option(
        "--sources", help="Only these sources of the profile (repeat the option).")] = None,
    profile: Annotated[str, typer.Option(help="Authority profile.")] = "wmca",
    snapshot: Annotated[Path | None, typer.Option(help="Replay a recorded snapshot.")] = None,
    window_days: Annotated[int, typer.Option(help="Days per collection window.")] = 7,
    batch: Annotated[int, typer.Option(help="Documents per enrichment batch.")] = 32,
    workers: Annotated[int, typer.Option(help="LocalCluster worker processes (one thread "
                                         "each); ignored with HORIZON_DASK_ADDRESS.")] = 2,
) -> None:
    """Backfill a date range; resumable: windows already stored are skipped."""
    from flows.backfill import PROGRESS
    from flows.backfill import backfill as backfill_flow
    from flows.runtime.dask import shared_api, task_runner
    from flows.runtime.lock import RunInProgress
    from flows.runtime.prefect_setup import PrefectUnavailable, prepare_environment
    from warehouse.config.settings import Settings

    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if first is None or last is None or last < first:
        fail("--to must be a day on or after --from")
    settings = Settings()
    prepare_environment(settings.database_path, settings)
    runner = task_runner(workers, settings.dask_address, settings.dask_scheduler_port,
                         settings.dask_dashboard_port)
    with Progress(TextColumn("backfill"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} windows, {task.fields[docs]} documents"), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=errors) as bar:
        task = bar.add_task("backfill", total=None, docs=0)

        def progress(done: int, total: int, documents: int) -> None:
            bar.update(task, completed=done, total=total, docs=documents)

        PROGRESS.append(progress)
        try:
            with shared_api(settings, settings.backfill_api_port):
                counts = backfill_flow.with_options(task_runner=runner)(
                    first, last, profile=profile, sources=sources,
                    snapshot=str(snapshot) if snapshot else None, window_days=window_days,
                    batch=batch)
        except (RunInProgress, PrefectUnavailable) as error:
            fail(" ".join(str(error).split()))
        finally:
            PROGRESS.remove(progress)
    typer.echo(f"backfill {first}..{last}: {counts['windows']} windows stored "
               f"({counts['skipped']} already done), {counts['documents']} documents, "
               f"{counts['enriched']} enriched")
