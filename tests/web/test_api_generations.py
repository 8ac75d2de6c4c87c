"""The server keeps answering while the daily flow publishes new search generations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.search_world import NOW, enrich, save_world, world_document
from warehouse.db import connect
from warehouse.records import DocumentKind
from warehouse.save import save_documents, save_enrichments
from warehouse.search.engine import Searcher
from warehouse.search.replica import publish_search_index


def _publish_one_more(db: Path, encoder) -> None:
    doc = world_document("tram-extension", DocumentKind.NEWS, "govuk_news",
                         datetime(2026, 11, 20, tzinfo=UTC), "Tram extension to Dudley",
                         "The Metro tram extension to Dudley opens.")
    with connect(db) as con:
        save_documents(con, [doc], now=NOW)
        save_enrichments(con, [enrich(doc, encoder)], profile="wmca",
                         content_hashes={doc.id: doc.content_hash}, now=NOW)
        publish_search_index(con, db)


def test_api_request_in_flight_survives_a_generation_switch(tmp_path: Path) -> None:
    world = save_world(tmp_path / "horizon.duckdb")
    searcher = Searcher(world.db)
    in_flight = searcher._generation().con.cursor()  # a request on another thread, mid-read
    _publish_one_more(world.db, world.encoder)
    found = searcher.search("tram Dudley", world.encoder.encode(["tram Dudley"])[0], limit=3)
    assert searcher.generation == 2 and found[0].title == "Tram extension to Dudley"
    assert in_flight.execute("SELECT count(*) FROM documents").fetchone()[0] == 8
