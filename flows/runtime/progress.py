"""A progress bar for long steps (collection, enrichment) when a person is watching a terminal;
nothing at all in a log file, a pipe or a Prefect worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress_bar(description: str, total: int, console: Console | None = None
                 ) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`; draws "description ━━━━ 12/64 0:01:10 ETA 0:05:00" on stderr."""
    console = console or Console(stderr=True)
    if not console.is_terminal or total <= 0:
        yield lambda n=1: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(bar_width=24),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
