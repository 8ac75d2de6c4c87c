from __future__ import annotations

import duckdb
import pytest
from test_search_world import World, save_world

from warehouse.search import keyword
from warehouse.search.replica import read_manifest, search_dir

QUERY = "bus transport fund Coventry"


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory):
    world: World = save_world(tmp_path_factory.mktemp("kw") / "h.duckdb")
    directory = search_dir(world.db)
    con = duckdb.connect(str(directory / read_manifest(directory)["replica"]), read_only=True)
    keyword.load_fts(con)
    yield con
    con.close()


def test_search_keyword_impacts_sum_to_exhaustive_bm25(replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 0)
    exhaustive = keyword.keyword_search(replica, QUERY, 50)
    monkeypatch.setattr(keyword, "TERM_DEPTH", 10_000)  # deeper than any term: same answer
    pruned = keyword.keyword_search(replica, QUERY, 50)
    assert len(exhaustive[0]) > 3
    assert list(pruned[0]) == list(exhaustive[0])
    assert list(pruned[1]) == pytest.approx(list(exhaustive[1]), rel=1e-5)


def test_search_keyword_depth_reads_only_each_terms_best_postings(replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 1)
    terms = keyword.query_terms(replica, QUERY)
    vids, _ = keyword.keyword_search(replica, QUERY, 50)
    best = {replica.execute("SELECT vid FROM postings WHERE termid = ? ORDER BY impact DESC, vid"
                            " LIMIT 1", [termid]).fetchone()[0] for termid, _ in terms}
    assert set(vids.tolist()) == best


def test_search_keyword_postings_rank_follows_impact(replica) -> None:
    bad = replica.execute(
        "SELECT count(*) FROM (SELECT impact, lag(impact) OVER (PARTITION BY termid ORDER BY r)"
        " AS before FROM postings) WHERE before < impact").fetchone()[0]
    assert bad == 0


def test_search_keyword_filtered_query_stays_exhaustive(replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 1)
    vids, _ = keyword.keyword_search(replica, QUERY, 50, "SELECT vid FROM chunks", [])
    monkeypatch.setattr(keyword, "TERM_DEPTH", 0)
    assert list(vids) == list(keyword.keyword_search(replica, QUERY, 50)[0])



def test_search_keyword_replica_without_impacts_falls_back_to_exhaustive(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    world: World = save_world(tmp_path_factory.mktemp("old") / "h.duckdb")
    directory = search_dir(world.db)
    with duckdb.connect(str(directory / read_manifest(directory)["replica"])) as con:
        keyword.load_fts(con)
        expected = keyword.keyword_search(con, QUERY, 50)
        con.execute("ALTER TABLE postings DROP COLUMN r")  # as published by an older Horizon
        vids, scores = keyword.keyword_search(con, QUERY, 50)
    assert list(vids) == list(expected[0])
    assert list(scores) == pytest.approx(list(expected[1]), rel=1e-5)
