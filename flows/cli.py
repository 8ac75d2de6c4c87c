"""The `horizon` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.cli_common import fail, parse_day
from warehouse.settings import apply_offline_environment

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
) -> None:
    """Run the daily cycle: collect, enrich, store, render the digest."""
    from flows.daily_digest import daily_digest
    from flows.lock import RunInProgress
    from flows.report import print_run_report
    from warehouse.profiles import ProfileError

    digest_day = parse_day(day, "--date")
    if snapshot is not None and not snapshot.is_dir():
        fail(f"snapshot folder not found: {snapshot}")
    try:
        report = daily_digest(
            profile=profile, snapshot=str(snapshot) if snapshot else None,
            db=str(db) if db else None, out=str(out) if out else None, day=digest_day,
            only_sources=source or None, full_refresh=full_refresh,
        )
    except (ProfileError, RunInProgress, FileNotFoundError, ValueError) as error:
        fail(str(error))
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

    from warehouse.db import connect
    from warehouse.queries import row_counts
    from warehouse.settings import get_settings

    path = db or get_settings().database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    with connect(path, read_only=True) as con:
        table = Table(title=str(path))
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, count in row_counts(con).items():
            table.add_row(name, str(count))
        console.print(table)


# Commands defined in other modules of flows/ are registered here, one line each.
from flows import cli_sources  # noqa: E402

app.command(name="sources")(cli_sources.sources)
from flows import cli_search  # noqa: E402

app.command(name="search")(cli_search.search)
app.add_typer(cli_search.index_app, name="index")
app.command(name="web")(cli_search.web)
from flows import cli_delivery  # noqa: E402

app.command(name="digest")(cli_delivery.digest)
app.command(name="alerts")(cli_delivery.alerts)
app.command(name="serve")(cli_delivery.serve)
from flows import cli_classify  # noqa: E402

app.command(name="classify")(cli_classify.classify)
# issue 13: theme heads fitted on labelled text, office labels
from flows import cli_themes  # noqa: E402

app.add_typer(cli_themes.themes_app, name="themes")
app.command(name="label")(cli_themes.label)


if __name__ == "__main__":
    app()
