from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from tests.support.search_world import World, save_world
from warehouse.search import keyword, segments
from warehouse.search.replica import read_manifest, search_dir
from warehouse.search.segments import SegmentedKeywordIndex

QUERY = "bus transport fund Coventry"


class Replica:
    """The published keyword segments, and an oracle: the extension's own full-text index built
    in one pass over the same chunks (match_bm25)."""

    def __init__(self, db: Path) -> None:
        directory = search_dir(db)
        manifest = read_manifest(directory)
        self.con = duckdb.connect(str(directory / manifest["replica"]), read_only=True)
        keyword.load_fts(self.con)
        self.vids = np.sort(self.con.execute("SELECT vid FROM chunks").fetchnumpy()["vid"])
        self.index = SegmentedKeywordIndex(directory, manifest, self.vids)
        self.text = self.index.text
        self.oracle = duckdb.connect()
        keyword.load_fts(self.oracle)
        self.oracle.execute("CREATE TABLE chunks (vid BIGINT, text VARCHAR)")
        self.oracle.executemany("INSERT INTO chunks VALUES (?, ?)",
                                [(int(v), self.text(int(v))) for v in self.vids])
        self.oracle.execute(
            "PRAGMA create_fts_index('chunks', 'vid', 'text', stemmer = 'porter',"
            f" stopwords = 'english', ignore = '{keyword._IGNORE}', strip_accents = 1,"
            " lower = 1)")

    def search(self, query: str, k: int = 50, allowed: np.ndarray | None = None):
        return self.index.search(self.con, query, k, allowed)

    def bm25(self, query: str) -> dict[int, float]:
        """The extension's own BM25 (match_bm25), the oracle."""
        return dict(self.oracle.execute(
            "SELECT vid, fts_main_chunks.match_bm25(vid, ?) AS s FROM chunks WHERE s IS NOT NULL",
            [query]).fetchall())


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory):
    world: World = save_world(tmp_path_factory.mktemp("kw") / "h.duckdb")
    rep = Replica(world.db)
    yield rep
    rep.con.close()
    rep.oracle.close()


@pytest.mark.parametrize("query", [QUERY, "HS2", "Levelling Up Fund", "affordable homes"])
def test_search_keyword_scores_are_the_extensions_bm25(replica, query) -> None:
    vids, scores = replica.search(query)
    expected = replica.bm25(query)
    assert len(vids) == len(expected) > 0
    assert {int(v): pytest.approx(float(s), rel=1e-5)
            for v, s in zip(vids, scores, strict=True)} == expected
    assert list(scores) == sorted(scores, reverse=True)


def test_search_keyword_filter_returns_only_allowed_chunks(replica) -> None:
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


def test_search_keyword_k_cuts_ties_by_chunk_order(replica) -> None:
    everything = replica.search(QUERY, k=1000)
    for k in (1, 2, 5):
        top = replica.search(QUERY, k=k)
        assert list(top[0]) == list(everything[0][:k])


def test_search_keyword_index_of_only_stop_words_finds_nothing(tmp_path: Path) -> None:
    dictionary = segments.Dictionary()
    batch = pa.table({"vid": [0], "text": ["the and of"]})
    assert segments.build_segment(tmp_path, "s000001_000", batch, dictionary) == 1
    manifest = {"terms": "terms-000001.txt",
                "segments": [{"name": "s000001_000", "chunks": 1, "live": 1}]}
    dictionary.write(tmp_path / manifest["terms"])
    index = SegmentedKeywordIndex(tmp_path, manifest, np.array([0]))
    con = duckdb.connect()
    keyword.load_fts(con)
    assert index.search(con, "bus", 10)[0].size == 0 and index.text(0) == "the and of"


@pytest.mark.parametrize("text", [
    "Levelling-Up Fund (LUF) round 4", "HS2's Curzon St.", "Café résumé naïve Zürich",
    "back\\slash a\\.b", "£2.5m for 2026/27", "ÉTÉ ß Ωmega 東京", "tab\tnew\nline  spaces",
    "", "''; DROP TABLE chunks; --", "\x00nul",
])
def test_search_keyword_python_tokeniser_matches_the_index(replica, text) -> None:
    expected = replica.oracle.execute("SELECT fts_main_chunks.tokenize(?)", [text]).fetchone()[0]
    assert keyword.tokenize(text) == [t for t in expected if t]
