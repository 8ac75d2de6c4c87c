"""Is the warehouse file whole? Every block of every table read back, not only the row counts
(DuckDB keeps those in its catalog, so a damaged file can still report healthy counts)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def damage(path: Path) -> list[str]:
    """What could not be read back from the warehouse file (empty when it reads whole)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        return [f"cannot open: {' '.join(str(error).split())[:300]}"]
    problems = []
    try:
        tables = [name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            " ORDER BY 1").fetchall()]
        for table in tables:
            try:  # hash of the whole row: every column of every row is read and checksummed
                con.execute(f'SELECT sum(hash(t)) FROM "{table}" AS t').fetchone()
            except duckdb.Error as error:
                problems.append(f"table {table}: {' '.join(str(error).split())[:300]}")
    except duckdb.Error as error:
        problems.append(f"catalog: {' '.join(str(error).split())[:300]}")
    finally:
        con.close()
    return problems
