from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.search_world import WORLD, FakeEncoder, enrich, save_world, world_document
from warehouse.db import connect
from warehouse.save import save_documents, save_enrichments
from warehouse.search import replica
from warehouse.search.check import check_search_index
from warehouse.search.engine import IndexNotPublished, Searcher
from warehouse.search.replica import publish_search_index, refresh_search_index, search_dir


def changed_document(world_db: Path, body: str):
    slug, kind, source, published, title, _, themes, signal, region, funding = WORLD[6]
    doc = world_document(slug, kind, source, published, title, body)
    with connect(world_db) as con:
        save_documents(con, [doc])
        save_enrichments(con, [enrich(doc, FakeEncoder(), themes, signal, region, funding)],
                         profile="wmca", content_hashes={doc.id: doc.content_hash})
    return doc


def check(db: Path):
    with connect(db, read_only=True) as con:
        return check_search_index(con, db)


def test_search_index_check_passes_after_publish(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    result = check(world.db)
    assert result.ok and result.warehouse_chunks == result.vector_count == 2 * len(WORLD)


def test_search_index_incremental_update_replaces_changed_chunks(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    changed_document(world.db, "Mackerel quotas agreed with the Faroe Islands.")
    stale = check(world.db)
    assert not stale.ok and stale.stale == 1
    with connect(world.db) as con:
        report = publish_search_index(con, world.db)
    assert (report.added, report.removed, report.rebuilt) == (1, 1, False)
    assert check(world.db).ok
    hits = Searcher(world.db).search("mackerel", None)
    assert hits and hits[0].id == world.ids["fishing"]


def test_search_index_crash_before_index_write_is_detected_and_repaired(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    changed_document(world.db, "Herring quotas agreed.")  # warehouse written, then "crash"
    assert check(world.db).problems == ["1 chunks changed since indexed"]
    with connect(world.db) as con:
        note = refresh_search_index(con, world.db)
    assert "generation 2" in note and check(world.db).ok


def test_search_index_crash_during_publish_keeps_previous_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = save_world(tmp_path / "h.duckdb")
    changed_document(world.db, "Sprat quotas agreed.")

    def crash(*_args) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(replica, "build_keyword_index", crash)
    with connect(world.db) as con:
        note = refresh_search_index(con, world.db)
    assert note.startswith("search index not updated: OSError")
    assert Searcher(world.db).generation == 1  # readers still see a whole generation
    assert not check(world.db).ok
    monkeypatch.undo()
    with connect(world.db) as con:
        refresh_search_index(con, world.db)
    assert check(world.db).ok and Searcher(world.db).generation == 2


def test_search_index_check_flags_missing_files(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    for path in search_dir(world.db).glob("v*_*.faiss"):
        path.unlink()
    result = check(world.db)
    assert not result.ok and result.problems[0].startswith("missing file v000001_")
    with connect(world.db) as con:
        publish_search_index(con, world.db, full=True)
    assert check(world.db).ok


def test_search_index_refresh_skips_when_nothing_changed(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    with connect(world.db) as con:
        assert refresh_search_index(con, world.db) == "search index up to date (generation 1)"


def test_search_index_of_an_older_horizon_is_refused_then_rebuilt_by_the_next_run(
        tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    manifest_path = search_dir(world.db) / replica.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for key in ("segments", "terms"):  # as published before the keyword segments existed
        del manifest[key]
    manifest["postings"] = "postings-000001"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexNotPublished, match=r"older Horizon.*horizon index rebuild"):
        Searcher(world.db).search("HS2", None)
    assert "missing file terms-missing.txt" in check(world.db).problems
    with connect(world.db) as con:  # same warehouse, but the refresh must not skip it
        assert refresh_search_index(con, world.db).startswith("search index generation 2")
    assert Searcher(world.db).search("HS2", None)[0].id == world.ids["hs2-update"]
    assert check(world.db).ok


def test_search_index_searcher_sees_new_generation_without_restart(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    searcher = Searcher(world.db)
    assert searcher.search("sardine", None) == []
    changed_document(world.db, "Sardine quotas agreed.")
    with connect(world.db) as con:
        publish_search_index(con, world.db)
    assert [r.id for r in searcher.search("sardine", None)] == [world.ids["fishing"]]


def test_search_index_reads_while_another_process_writes(tmp_path: Path) -> None:
    world = save_world(tmp_path / "h.duckdb")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(world.db)!r})
        con.execute("INSERT INTO source_watermarks VALUES ('x', now(), now())")
        print("holding", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        results = Searcher(world.db).search("HS2", None)
        assert results[0].id == world.ids["hs2-update"]
    finally:
        holder.communicate("")
