"""The `horizon` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.cli.common import fail, parse_day
from warehouse.config.settings import apply_offline_environment

apply_offline_environment()  # before Prefect or the model libraries are imported

app = typer.Typer(help="Horizon: policy horizon scanning for a Mayor's office.",
                  no_args_is_help=True, add_completion=False)
console = Console()



@app.command()
def run(
    profile: Annotated[str, typer.Option(help="Authority profile (config/profiles/).")] = "wmca",
    snapshot: Annotated[Path | None, typer.Option(
        help="Replay recorded payloads from this folder over loopback HTTP.")] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the digest files.")] = None,
    source: Annotated[list[str] | None, typer.Option(
        help="Collect only this source (repeatable).")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Digest date, YYYY-MM-DD.")] = None,
    full_refresh: Annotated[bool, typer.Option(
        help="Ignore watermarks and re-crawl everything.")] = False,
    retry_quarantined: Annotated[bool, typer.Option(
        help="Fetch again the items quarantined after failing (see `horizon sources`).")]
    = False,
) -> None:
    """Run the daily cycle: collect, enrich, store, render the digest."""
    from flows.runtime.lock import RunInProgress
    from flows.runtime.prefect_setup import (
        PrefectUnavailable,
        clean_dead_crawl_folders,
        prepare_environment,
        start_temporary_server,
    )
    from flows.runtime.preflight import check_run
    from warehouse.config.profiles import ProfileError

    digest_day = parse_day(day, "--date")
    if snapshot is not None and not snapshot.is_dir():
        fail(f"snapshot folder not found: {snapshot}")
    try:  # issue 12: all of the configuration is checked before Prefect is imported or started
        settings, _, _ = check_run(profile, source or None, db, out)
        prepare_environment(db or settings.database_path, settings)
        clean_dead_crawl_folders()
        start_temporary_server(settings)
    except (ProfileError, ValueError, PrefectUnavailable) as error:
        fail(" ".join(str(error).split()))  # one line, whatever the parser's message held
    import httpx

    from flows.cli.run_report import print_run_report
    from flows.daily_digest import daily_digest

    try:
        report = daily_digest(
            profile=profile, snapshot=str(snapshot) if snapshot else None,
            db=str(db) if db else None, out=str(out) if out else None, day=digest_day,
            only_sources=source or None, full_refresh=full_refresh,
            retry_quarantined=retry_quarantined,
        )
    except (ProfileError, RunInProgress, FileNotFoundError, ValueError) as error:
        fail(str(error))
    except httpx.HTTPError as error:
        fail(f"lost Prefect's API mid-run ({type(error).__name__}: {error}); what was stored"
             " stays, run again (a busy machine: set PREFECT_API_URL to a running `prefect"
             " server start`)")
    print_run_report(report, console)
    for path in report.outputs:
        console.print(f"Digest written: [bold]{path}[/bold]")
    if report.status.value == "failed":
        raise typer.Exit(code=1)


@app.command()
def replay(
    snapshot: Annotated[Path, typer.Option(help="Snapshot folder to serve.")],
    port: Annotated[int, typer.Option(help="Loopback port (0 picks a free one).")] = 8765,
) -> None:
    """Serve a snapshot on 127.0.0.1 the way the live sources would, until Ctrl-C."""
    from scrapers.replay import build_server

    if not snapshot.is_dir():
        fail(f"snapshot folder not found: {snapshot}")
    server = build_server(snapshot, port=port)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    console.print(f"Replaying {snapshot} at {url} (original host as first path segment).")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def status(db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None) -> None:
    """Row counts of the warehouse and the latest run per flow."""
    from rich.table import Table

    from warehouse.config.settings import get_settings
    from warehouse.db import connect
    from warehouse.integrity import damage
    from warehouse.queries import row_counts

    path = db or get_settings().database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    problems = damage(path)  # issue 12: a damaged file is said so, not counted
    if problems:
        fail(f"the warehouse file {path} is damaged ({'; '.join(problems)[:600]}); restore it"
             " from a backup, or move it aside and run `horizon run --full-refresh`", code=1)
    with connect(path, read_only=True) as con:
        table = Table(title=str(path))
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, count in row_counts(con).items():
            table.add_row(name, str(count))
        console.print(table)


# Commands defined in the other modules of flows/cli/ are registered here, one line each.
from flows.cli import sources  # noqa: E402

app.command(name="sources")(sources.sources)
from flows.cli import search  # noqa: E402

app.command(name="search")(search.search)
app.add_typer(search.index_app, name="index")
app.command(name="web")(search.web)
from flows.cli import deliver, serve  # noqa: E402

app.command(name="digest")(deliver.digest)
app.command(name="alerts")(deliver.alerts)
app.command(name="serve")(serve.serve)
from flows.cli import classify  # noqa: E402

app.command(name="classify")(classify.classify)
# issue 15: briefing papers
from flows.cli import brief  # noqa: E402

app.command(name="brief")(brief.brief)
# issue 16: the region's MPs and peers
from flows.cli import people  # noqa: E402

app.command(name="people")(people.people)
app.command(name="person")(people.person)
app.command(name="who")(people.who)
# issue 17: warehouse export and backfills
from flows.cli import export  # noqa: E402

app.command(name="export")(export.export)
from flows.cli import backfill  # noqa: E402

app.command(name="backfill")(backfill.backfill)
# issue 11 and 13: `horizon themes` lists them, `horizon themes fit` fits their heads
from flows.cli import theme_fit  # noqa: E402

app.add_typer(theme_fit.themes_app, name="themes")
app.command(name="label")(theme_fit.label)


if __name__ == "__main__":
    app()
