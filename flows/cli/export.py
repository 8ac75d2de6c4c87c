"""`horizon export --parquet DIR`: the warehouse as month-partitioned Parquet (Hive layout)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.cli.common import fail


def export(
    parquet: Annotated[Path, typer.Option("--parquet", help="Folder to write (Hive layout: "
                                          "<table>/month=YYYY-MM/*.parquet).")],
) -> None:
    """Write documents, chunks, insights, themes (and labels) as Parquet partitioned by month."""
    from warehouse.config.settings import Settings
    from warehouse.db import connect
    from warehouse.export import export_parquet

    path = Settings().database_path
    if not path.exists():
        fail(f"no warehouse at {path}")
    with connect(path, read_only=True) as con:
        written = export_parquet(con, parquet)
    for table, rows in written.items():
        Console().print(f"{table}: {rows:,} rows -> {parquet / table}")
