"""Printing a run report as a table, for people at a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from warehouse.records import RunReport

_HEALTH_STYLE = {"ok": "green", "degraded": "yellow", "failing": "red", "empty": "red"}


def print_run_report(report: RunReport, console: Console) -> None:
    table = Table(title=f"{report.flow} · {report.profile} · {report.status.value}")
    for column in ("source", "listed", "new", "updated", "unchanged", "failed", "health"):
        table.add_column(column, justify="left" if column in ("source", "health") else "right")
    for source in report.sources:
        style = _HEALTH_STYLE.get(source.health, "")
        table.add_row(source.source, str(source.fetched), str(source.new), str(source.updated),
                      str(source.unchanged), str(source.failed),
                      f"[{style}]{source.health}[/{style}]")
    console.print(table)
    for source in report.sources:
        for error in source.errors[:5]:
            console.print(f"  [red]{source.source}[/red]: {error}", markup=True, highlight=False)
        if len(source.errors) > 5:
            console.print(f"  {source.source}: … and {len(source.errors) - 5} more errors")
    console.print(f"Enriched {report.enriched} documents.")
    for note in report.notes:
        console.print(f"Note: {note}")
