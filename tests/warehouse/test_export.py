"""`horizon export --parquet`: month-partitioned Parquet read back by DuckDB (constructed world)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from tests.support.search_world import save_world
from warehouse.db import connect
from warehouse.export import export_parquet
from warehouse.labels import save_label


def test_export_parquet_is_month_partitioned_and_reads_back(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    with connect(world.db) as con:  # one office judgement, so the labels table has a row
        save_label(con, document_id=next(iter(world.ids.values())), profile="wmca",
                   theme="transport", verdict="yes", who="test")
    with connect(world.db, read_only=True) as con:
        written = export_parquet(con, tmp_path / "pq")
        expected = {name: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for name, table in (("documents", "documents"), ("chunks", "chunks"),
                                        ("insights", "document_insights"), ("labels", "labels"))}
        months = {r[0] for r in con.execute(
            "SELECT DISTINCT strftime(coalesce(published_at, first_seen_at), '%Y-%m')"
            " FROM documents").fetchall()}
    assert {k: written[k] for k in expected} == expected and expected["labels"] == 1
    assert {p.name for p in (tmp_path / "pq" / "documents").iterdir()} == {
        f"month={m}" for m in months}
    reader = duckdb.connect()
    for name, rows in expected.items():
        pattern = str(tmp_path / "pq" / name / "**" / "*.parquet")
        assert reader.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                              [pattern]).fetchone()[0] == rows
    joined = reader.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) c"
        " JOIN read_parquet(?, hive_partitioning = true) d ON d.id = c.document_id"
        " WHERE c.month = d.month",
        [str(tmp_path / "pq" / "chunks" / "**" / "*.parquet"),
         str(tmp_path / "pq" / "documents" / "**" / "*.parquet")]).fetchone()[0]
    assert joined == expected["chunks"]  # chunks sit in their document's month


def test_export_cli_writes_and_rewrites_the_folder(tmp_path: Path, monkeypatch) -> None:
    world = save_world(tmp_path / "h.duckdb")
    monkeypatch.setenv("HORIZON_DB_PATH", str(world.db))
    for _ in range(2):  # a second export replaces the first, no duplicates
        result = CliRunner().invoke(app, ["export", "--parquet", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
    assert "documents:" in result.output
    count = duckdb.connect().execute(
        "SELECT count(*) FROM read_parquet(?)",
        [str(tmp_path / "out" / "documents" / "**" / "*.parquet")]).fetchone()[0]
    with connect(world.db, read_only=True) as con:
        assert count == con.execute("SELECT count(*) FROM documents").fetchone()[0]
