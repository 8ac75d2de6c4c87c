"""What every `horizon` command shares: the error console, failing with exit 2, date options."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

errors = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error (no markup taken from the message) and exit with `code`."""
    errors.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False)
    raise typer.Exit(code=code)


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value, or None when not given; a clear error otherwise."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        fail(f"{option} must be YYYY-MM-DD, got {value!r}")
