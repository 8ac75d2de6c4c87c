"""`horizon sources`: every source of the active profile, its last success, last error, counts and
health, from the warehouse's source history (migration 003)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
_STYLE = {"ok": "green", "degraded": "yellow", "failing": "red", "empty": "red",
          "never run": "dim"}


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "never"


def sources(
    profile: Annotated[str | None, typer.Option(help="Authority profile (config/profiles/).")]
    = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None,
) -> None:
    """List the profile's sources with last success, last error, counts and health."""
    from warehouse.db import connect
    from warehouse.profiles import ProfileError, load_profile
    from warehouse.settings import get_settings
    from warehouse.source_state import SourceState, load_source_states, stored_counts
    from warehouse.sources import load_sources

    settings = get_settings()
    try:
        active = load_profile(settings.config_dir, profile or settings.profile)
        configured = load_sources(settings.config_dir)
    except ProfileError as error:
        console.print(f"[bold red]error:[/bold red] {error}", highlight=False)
        raise typer.Exit(code=2) from error
    path = db or settings.database_path
    states: dict[str, SourceState] = {}
    counts: dict[str, int] = {}
    failing: list = []
    if path.exists():
        with connect(path, read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                      .fetchall()}
            if "source_state" in tables:
                states = load_source_states(con)
            counts = stored_counts(con)
            if "item_failures" in tables:  # issue 12: items that keep failing
                from warehouse.collection_state import item_failures

                failing = item_failures(con)
    table = Table(title=f"Sources of {active.id} · {path}")
    for column in ("source", "kind", "last success", "last error", "stored", "last listed",
                   "empty runs", "health"):
        table.add_column(column, no_wrap=column == "source", justify="right" if column in (
            "stored", "last listed", "empty runs") else "left")
    for name in active.sources:
        state = states.get(name)
        health = state.last_health if state else "never run"
        if state and state.last_health == "empty" and state.used_to_yield:
            health = f"empty (was {state.last_yield})"
        style = _STYLE.get(health.split(" (")[0], "")
        error = f"{_when(state.last_error_at)}: {state.last_error[:60]}" if (
            state and state.last_error) else ""
        table.add_row(name, configured[name].spider if name in configured else "?",
                      _when(state.last_success_at) if state else "never", error,
                      str(counts.get(name, 0)), str(state.last_listed) if state else "",
                      str(state.consecutive_empty_runs) if state else "",
                      f"[{style}]{health}[/{style}]" if style else health)
    console.print(table)
    for failure in failing:
        status = (f"quarantined {_when(failure.quarantined_at)}" if failure.quarantined_at
                  else "failing, retried by each run")
        console.print(f"{status}: {failure.source} {failure.url} ({failure.attempts} runs;"
                      f" last: {failure.last_error[:120]})", markup=False, highlight=False,
                      soft_wrap=True)
    if any(f.quarantined_at for f in failing):
        console.print("Fetch them again with `horizon run --retry-quarantined`.", markup=False)
