from __future__ import annotations

from pathlib import Path

from warehouse.db import connect, list_migrations, migrate


def test_migrations_are_numbered_and_recorded() -> None:
    con = connect()
    versions = [row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()]
    assert versions == [m.version for m in list_migrations()]
    assert versions == sorted(versions)


def test_migrate_twice_applies_nothing_new() -> None:
    con = connect()
    assert migrate(con) == []


def test_file_database_reopens_with_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "horizon.duckdb"
    connect(path).close()
    con = connect(path, read_only=True)
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert {"documents", "chunks", "chunk_embeddings", "theme_scores", "flow_runs"} <= tables
