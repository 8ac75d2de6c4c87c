"""The warehouse out to bigger engines: Parquet files partitioned by month, in Hive layout.

`export_parquet(con, directory)` writes `documents/`, `chunks/`, `insights/`, `themes/` (and
`labels/` when the warehouse has a labels table) as `<table>/month=YYYY-MM/*.parquet` with
DuckDB's `COPY ... (FORMAT parquet, PARTITION_BY (month))`. DuckDB, MotherDuck, Spark, Polars and
BigQuery external tables read that layout directly (`read_parquet('dir/documents/**/*.parquet',
hive_partitioning = true)`). A document's month is that of its publication date, else of when
Horizon first saw it; chunks, insights and themes take their document's month. UUIDs and JSON
are written as strings (every reader has those); chunk vectors stay in the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

_MONTH = "strftime(coalesce(d.published_at, d.first_seen_at), '%Y-%m')"
# folder -> warehouse table
EXPORTS = {"documents": "documents", "chunks": "chunks", "insights": "document_insights",
           "themes": "theme_scores", "labels": "labels"}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM information_schema.columns"
                       " WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
                       [table]).fetchall()


def _select(table: str, columns: list[tuple[str, str]]) -> str:
    """The table's rows with portable types and their document's month."""
    alias = "d" if table == "documents" else "t"
    portable = []
    for name, kind in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        portable.append(f"{alias}.{quoted}::VARCHAR AS {quoted}" if kind in ("UUID", "JSON")
                        else f"{alias}.{quoted}")
    if table == "documents":
        source, month = "documents d", _MONTH
    elif "document_id" in {name for name, _ in columns}:
        source = f"{table} t LEFT JOIN documents d ON d.id = t.document_id"
        month = f"coalesce({_MONTH}, 'unknown')"
    else:
        source, month = f"{table} t", "'unknown'"
    return f"SELECT {', '.join(portable)}, {month} AS month FROM {source}"


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Write every exported table under `directory` (replacing earlier files); rows per table."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in EXPORTS.items():
        columns = _columns(con, table)
        if not columns:  # e.g. no labels table in this warehouse
            continue
        target = str(directory / name).replace("'", "''")
        con.execute(f"COPY ({_select(table, columns)}) TO '{target}' (FORMAT parquet,"
                    " PARTITION_BY (month), OVERWRITE, FILENAME_PATTERN 'part-{i}')")
        written[name] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return written
