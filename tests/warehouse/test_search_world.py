"""The shared search world (tests/support/search_world.py) publishes what it saves."""

from __future__ import annotations

from pathlib import Path

from tests.support.search_world import WORLD, save_world
from warehouse.db import connect


def test_search_world_publishes_every_chunk(tmp_path: Path) -> None:
    world = save_world(tmp_path / "w.duckdb")
    with connect(world.db, read_only=True) as con:
        assert con.execute("SELECT chunks FROM search_publications").fetchone()[0] == 2 * len(
            WORLD)
