"""`horizon sources`: every source of the active profile, its health, last success, stored
count and last error, from the warehouse's source history (migration 003).

Health is delivery/health.py's `source_status`, the digest footer's: for the same day both say
the same ok / stale / failing / empty / degraded. The table fits 80 columns; errors follow it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from warehouse.text import UK as LONDON

console = Console()
_STYLE = {"ok": "green", "degraded": "yellow", "failing": "red", "empty": "red",
          "stale": "yellow", "never run": "dim"}


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "never"


def health_instant(day: date | None) -> datetime:
    """The instant health is judged at: the day's 07:00 in London (the digest's hour), or now."""
    if day is None:
        return datetime.now(UTC)
    return datetime.combine(day, time(7, 0), tzinfo=LONDON)


def sources(
    profile: Annotated[str | None, typer.Option(help="Authority profile (config/profiles/).")]
    = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None,
    day: Annotated[str | None, typer.Option(
        "--date", help="Judge staleness at this day's 07:00 (YYYY-MM-DD; default now), as "
                       "that day's digest does.")] = None,
) -> None:
    """List the profile's sources with health, last success, stored count and last error."""
    from delivery.health import source_status
    from flows.cli.common import fail, parse_day
    from warehouse.config.profiles import ProfileError, load_profile
    from warehouse.config.settings import get_settings
    from warehouse.db import connect
    from warehouse.delivery_state import source_watermarks
    from warehouse.source_state import SourceState, load_source_states, stored_counts

    settings = get_settings()
    try:
        active = load_profile(settings.config_dir, profile or settings.profile)
    except ProfileError as error:
        fail(str(error))
    now = health_instant(parse_day(day, "--date"))
    path = db or settings.database_path
    states: dict[str, SourceState] = {}
    counts: dict[str, int] = {}
    watermarks: dict[str, datetime] = {}
    failing: list = []
    if path.exists():
        with connect(path, read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                      .fetchall()}
            if "source_state" in tables:
                states = load_source_states(con)
            if "source_watermarks" in tables:
                watermarks = source_watermarks(con)
            counts = stored_counts(con)
            if "item_failures" in tables:  # issue 12: items that keep failing
                from warehouse.collection_state import item_failures

                failing = item_failures(con)
    table = Table(title=f"Sources of {active.id} · {path}", box=box.SIMPLE_HEAD,
                  pad_edge=False, show_edge=False, collapse_padding=True,
                  title_justify="left")
    table.add_column("source", no_wrap=True)
    table.add_column("health", no_wrap=True)
    table.add_column("last success", no_wrap=True)
    table.add_column("stored", justify="right", min_width=6)
    table.add_column("listed", justify="right", min_width=6)
    errors = []
    for name in active.sources:
        state = states.get(name)
        if state is None:
            health = "never run"
        else:
            health = source_status(state.last_health, watermarks.get(name), now=now,
                                   stale_after_days=active.digest.stale_after_days)
            if health == "empty" and state.used_to_yield:
                health = f"empty (was {state.last_yield})"
            elif health == "stale":
                health = f"stale ({watermarks[name]:%-d %b})"
            if state.last_error:
                errors.append((name, f"{_when(state.last_error_at)}: {state.last_error[:200]}"))
        style = _STYLE.get(health.split(" (")[0], "")
        table.add_row(name, Text(health, style=style),
                      _when(state.last_success_at) if state else "never",
                      str(counts.get(name, 0)), str(state.last_listed) if state else "")
    console.print(table)
    if errors:
        console.print("Last errors:", style="bold")
    for name, error in errors:
        line = Text(f"  {name}: ", style="red")
        line.append(error)
        console.print(line)
    for failure in failing:
        status = (f"quarantined {_when(failure.quarantined_at)}" if failure.quarantined_at
                  else "failing, retried by each run")
        console.print(f"{status}: {failure.source} {failure.url} ({failure.attempts} runs;"
                      f" last: {failure.last_error[:120]})", markup=False, highlight=False,
                      soft_wrap=True)
    if any(f.quarantined_at for f in failing):
        console.print("Fetch them again with `horizon run --retry-quarantined`.", markup=False)
