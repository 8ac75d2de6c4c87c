"""Printing a run report as a table, for people at a terminal."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from warehouse.records import RunReport

_HEALTH_STYLE = {"ok": "green", "degraded": "yellow", "failing": "red", "empty": "red"}


def print_run_report(report: RunReport, console: Console) -> None:
    """One row per source, within 80 columns: source names whole, errors listed after."""
    table = Table(title=f"{report.flow} · {report.profile} · {report.status.value}",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                  title_justify="left")
    table.add_column("source", no_wrap=True)
    for column in ("listed", "new", "updated", "same", "failed"):  # same: listed, unchanged
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("health", no_wrap=True)
    for source in report.sources:
        table.add_row(source.source, str(source.fetched), str(source.new), str(source.updated),
                      str(source.unchanged), str(source.failed),
                      Text(source.health, style=_HEALTH_STYLE.get(source.health, "")))
    console.print(table)
    for source in report.sources:
        for error in source.errors[:5]:
            line = Text(f"  {source.source}: ", style="red")
            line.append(error)  # scraped text: never read as markup
            console.print(line, highlight=False)
        if len(source.errors) > 5:
            console.print(f"  {source.source}: … and {len(source.errors) - 5} more errors")
    console.print(f"Enriched {report.enriched} documents.")
    for note in report.notes:
        console.print(f"Note: {note}")
