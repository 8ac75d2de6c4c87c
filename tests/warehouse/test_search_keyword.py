from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import numpy as np
import pytest
from test_search_world import World, save_world

from warehouse.search import keyword
from warehouse.search.replica import ChunkTexts, read_manifest, search_dir

QUERY = "bus transport fund Coventry"


class Replica:
    def __init__(self, db: Path) -> None:
        directory = search_dir(db)
        manifest = read_manifest(directory)
        self.con = duckdb.connect(str(directory / manifest["replica"]), read_only=True)
        keyword.load_fts(self.con)
        self.vids = np.sort(self.con.execute("SELECT vid FROM chunks").fetchnumpy()["vid"])
        texts = ChunkTexts(directory / manifest["texts"])
        self.text = lambda vid: texts[int(np.searchsorted(self.vids, vid))]
        self.index = keyword.KeywordIndex(self.con, directory / manifest["postings"], self.vids,
                                          self.text)

    def search(self, query: str, k: int = 50, allowed: np.ndarray | None = None):
        return self.index.search(self.con, query, k, allowed)

    def bm25(self, query: str) -> dict[int, float]:
        """The extension's own BM25 (match_bm25), the oracle."""
        return dict(self.con.execute(
            "SELECT vid, fts_main_chunks.match_bm25(vid, ?) AS s FROM chunks WHERE s IS NOT NULL",
            [query]).fetchall())


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory):
    world: World = save_world(tmp_path_factory.mktemp("kw") / "h.duckdb")
    rep = Replica(world.db)
    yield rep
    rep.con.close()


@pytest.mark.parametrize("query", [QUERY, "HS2", "Levelling Up Fund", "affordable homes"])
def test_search_keyword_scores_are_the_extensions_bm25(replica, monkeypatch, query) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 0)
    vids, scores = replica.search(query)
    expected = replica.bm25(query)
    assert len(vids) == len(expected) > 0
    assert {int(v): pytest.approx(float(s), rel=1e-5)
            for v, s in zip(vids, scores, strict=True)} == expected
    assert list(scores) == sorted(scores, reverse=True)


def test_search_keyword_depth_deeper_than_any_term_changes_nothing(replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 0)
    exhaustive = replica.search(QUERY)
    monkeypatch.setattr(keyword, "TERM_DEPTH", 10_000)
    pruned = replica.search(QUERY)
    assert list(pruned[0]) == list(exhaustive[0])
    assert list(pruned[1]) == pytest.approx(list(exhaustive[1]), rel=1e-6)


def test_search_keyword_depth_reads_only_each_terms_best_postings(replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 1)
    vids, _ = replica.search(QUERY)
    best = set()
    for term in replica.index.terms(replica.con, QUERY):
        stem = replica.con.execute("SELECT term FROM fts_main_chunks.dict WHERE termid = ?",
                                   [term]).fetchone()[0]
        ranked = sorted(replica.bm25(stem).items(), key=lambda item: (-item[1], item[0]))
        best.add(ranked[0][0])
    assert set(vids.tolist()) == best


def test_search_keyword_postings_are_sorted_by_impact_within_each_term(replica) -> None:
    offsets, impacts = replica.index._offsets, replica.index._impacts
    for start, end in itertools.pairwise(offsets):
        assert np.all(np.diff(impacts[start:end]) <= 0)
    assert offsets[-1] == len(impacts) == len(replica.index._chunks)


def test_search_keyword_filter_returns_only_allowed_chunks_and_stays_exhaustive(
        replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 1)  # a filter ignores the depth
    expected = replica.bm25(QUERY)
    allowed = np.array(sorted(expected)[1::2], dtype=np.int64)
    vids, scores = replica.search(QUERY, allowed=allowed)
    assert set(vids.tolist()) == set(allowed.tolist())
    assert [float(s) for s in scores] == pytest.approx([expected[int(v)] for v in vids], rel=1e-5)
    assert replica.search(QUERY, allowed=np.zeros(0, dtype=np.int64))[0].size == 0


def test_search_keyword_quoted_phrase_must_appear_in_order(replica) -> None:
    vids, _ = replica.search('"Levelling Up Fund"')
    assert len(vids) > 0
    for vid in vids:
        assert "levelling up fund" in " ".join(replica.text(int(vid)).lower().split())
    reversed_words, _ = replica.search('"Fund Up Levelling"')
    assert reversed_words.size == 0


def test_search_keyword_unknown_and_stop_words_find_nothing(replica) -> None:
    for query in ("zzqxv", "the of and", "", "'; DROP TABLE chunks; --"):
        vids, scores = replica.search(query)
        assert vids.size == scores.size == 0


def test_search_keyword_k_cuts_ties_by_chunk_order(replica, monkeypatch) -> None:
    monkeypatch.setattr(keyword, "TERM_DEPTH", 0)
    everything = replica.search(QUERY, k=1000)
    for k in (1, 2, 5):
        top = replica.search(QUERY, k=k)
        assert list(top[0]) == list(everything[0][:k])


def test_search_keyword_index_of_an_empty_replica(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    con.execute("CREATE TABLE chunks (vid BIGINT, text VARCHAR)")
    con.execute("INSERT INTO chunks VALUES (0, 'the and of')")
    keyword.build_keyword_index(con, tmp_path / "postings-000001")
    index = keyword.KeywordIndex(con, tmp_path / "postings-000001", np.array([0]), lambda v: "")
    assert index.search(con, "bus", 10)[0].size == 0
    assert all(p.exists() for p in keyword.postings_files(tmp_path / "postings-000001"))


@pytest.mark.parametrize("text", [
    "Levelling-Up Fund (LUF) round 4", "HS2's Curzon St.", "Café résumé naïve Zürich",
    "back\\slash a\\.b", "£2.5m for 2026/27", "ÉTÉ ß Ωmega 東京", "tab\tnew\nline  spaces",
    "", "''; DROP TABLE chunks; --", "\x00nul",
])
def test_search_keyword_python_tokeniser_matches_the_index(replica, text) -> None:
    expected = replica.con.execute("SELECT fts_main_chunks.tokenize(?)", [text]).fetchone()[0]
    assert keyword.tokenize(text) == [t for t in expected if t]
