"""Incremental publishes (keyword segments, tombstones, merges; vectors added in place) answer
exactly as a full rebuild. Constructed data: random texts over a small vocabulary, random vectors.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb
import faiss
import numpy as np
import pyarrow as pa
import pytest

from warehouse.db import connect
from warehouse.search import keyword, segments, vectors
from warehouse.search.check import check_search_index
from warehouse.search.replica import publish_search_index, read_manifest, search_dir
from warehouse.search.segments import SegmentedKeywordIndex
from warehouse.search.vector_set import VectorSet

_VOCABULARY = ("bus rail tram housing homes skills funding fund levelling devolution mayor coventry"
               " birmingham net zero hs2 ukspf transport grant consultation the of and skill"
               " buses railway 2026 £5m council combined authority investment zone")
WORDS = _VOCABULARY.split(" ")
QUERIES = ["bus funding", "hs2", "housing homes", "levelling up fund", "net zero transport",
           "combined authority investment", "the of", "skills skill", "coventry", "railway rail"]


class Corpus:
    """A warehouse written directly: documents, chunks and their vectors."""

    def __init__(self, db: Path, seed: int = 5) -> None:
        self.db = db
        self.rng = np.random.default_rng(seed)
        self.next_doc = 0
        with connect(db):
            pass

    def text(self) -> str:
        return " ".join(self.rng.choice(WORDS, int(self.rng.integers(0, 30))))

    def add(self, documents: int) -> None:
        docs, rows = [], []
        for _ in range(documents):
            doc = uuid.uuid5(uuid.NAMESPACE_URL, f"https://t.example/{self.next_doc}")
            docs.append((str(doc), f"https://t.example/{self.next_doc}"))
            rows += [(uuid.uuid5(doc, f"chunk:{i}"), doc, i)
                     for i in range(int(self.rng.integers(1, 5)))]
            self.next_doc += 1
        with connect(self.db) as con:
            batch = pa.table(  # noqa: F841 - read by DuckDB
                {"id": [d for d, _ in docs], "url": [u for _, u in docs]})
            con.execute(
                "INSERT INTO documents (id, source, kind, url, title, fetched_at,"
                " content_hash, parser_version, first_seen_at, last_changed_at)"
                " SELECT id::UUID, 'test', 'news', url, 't', now(), 'h', 'p', now(), now()"
                " FROM batch")
            self._write(con, rows)

    def _write(self, con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
        """(Re)write these chunks with fresh random texts and vectors."""
        if not rows:
            return
        matrix = self.rng.normal(size=(len(rows), 384)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        batch = pa.table({  # noqa: F841 - read by DuckDB
            "id": [str(r[0]) for r in rows], "doc": [str(r[1]) for r in rows],
            "chunk_index": [r[2] for r in rows], "text": [self.text() for _ in rows],
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), 384)})
        con.execute("DELETE FROM chunk_embeddings WHERE chunk_id IN (SELECT id::UUID FROM batch)")
        con.execute("DELETE FROM chunks WHERE id IN (SELECT id::UUID FROM batch)")
        con.execute("INSERT INTO chunks SELECT id::UUID, doc::UUID, chunk_index, text, 0"
                    " FROM batch")
        con.execute("INSERT INTO chunk_embeddings SELECT id::UUID, doc::UUID, 'm',"
                    " vector::FLOAT[384] FROM batch")

    def churn(self, deletes: int, changes: int) -> None:
        with connect(self.db) as con:
            ids = con.execute(
                "SELECT id, document_id, chunk_index FROM chunks ORDER BY id").fetchall()
            picks = self.rng.choice(len(ids), min(len(ids), deletes + changes), replace=False)
            gone = [str(ids[at][0]) for at in picks[:deletes]]
            if gone:
                listed = ", ".join(f"'{g}'::UUID" for g in gone)
                con.execute(f"DELETE FROM chunk_embeddings WHERE chunk_id IN ({listed})")
                con.execute(f"DELETE FROM chunks WHERE id IN ({listed})")
            self._write(con, [ids[at] for at in picks[deletes:]])

    def publish(self, full: bool = False):
        with connect(self.db) as con:
            return publish_search_index(con, self.db, full=full)


class Opened:
    def __init__(self, db: Path) -> None:
        directory = search_dir(db)
        self.manifest = read_manifest(directory)
        self.con = duckdb.connect(str(directory / self.manifest["replica"]), read_only=True)
        keyword.load_fts(self.con)
        chunks = self.con.execute("SELECT vid, id FROM chunks ORDER BY vid").fetchall()
        self.chunk_of = {vid: chunk for vid, chunk in chunks}
        self.index = SegmentedKeywordIndex(directory, self.manifest,
                                           np.array([v for v, _ in chunks], dtype=np.int64))
        self.vectors = VectorSet(directory, self.manifest)

    def keyword(self, query: str, k: int = 10_000) -> list[tuple[uuid.UUID, float]]:
        vids, scores = self.index.search(self.con, query, k)
        return sorted((self.chunk_of[int(v)], float(s)) for v, s in zip(vids, scores,
                                                                           strict=True))

    def top_scores(self, query: str, k: int = 10) -> list[float]:
        return [float(s) for s in self.index.search(self.con, query, k)[1]]

    def dense(self, query: np.ndarray, k: int = 10) -> list[uuid.UUID]:
        hits = self.vectors.search(query, k)
        return [self.chunk_of[int(v)] for v in hits.ids]


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_CHUNKS", 40)
    monkeypatch.setattr(segments, "MERGE_FACTOR", 3)


def test_search_segments_incremental_publishes_answer_as_a_full_rebuild(
        tmp_path: Path, small_segments) -> None:
    corpus = Corpus(tmp_path / "inc.duckdb")
    corpus.add(60)
    corpus.publish()
    merged = 0
    for _ in range(8):
        corpus.add(int(corpus.rng.integers(0, 12)))
        corpus.churn(deletes=int(corpus.rng.integers(0, 8)), changes=int(corpus.rng.integers(0, 5)))
        report = corpus.publish()
        assert not report.rebuilt and report.added < 60
        merged += report.merged
    assert merged > 0  # tiers filled and were merged
    full_db = tmp_path / "full.duckdb"
    shutil.copy(corpus.db, full_db)
    Corpus(full_db).publish(full=True)
    incremental, full = Opened(corpus.db), Opened(full_db)
    assert len(full.manifest["segments"]) < len(incremental.manifest["segments"])
    for query in QUERIES:
        assert incremental.keyword(query) == full.keyword(query), query
        assert incremental.top_scores(query) == full.top_scores(query), query
    rng = np.random.default_rng(1)
    for _ in range(5):
        probe = rng.normal(size=384).astype(np.float32)
        probe /= np.linalg.norm(probe)
        assert incremental.dense(probe) == full.dense(probe)
    with connect(corpus.db, read_only=True) as con:
        assert check_search_index(con, corpus.db).ok


def test_search_segments_deleted_chunks_are_tombstones_until_merged(
        tmp_path: Path, small_segments) -> None:
    corpus = Corpus(tmp_path / "h.duckdb")
    corpus.add(30)
    corpus.publish()
    before = Opened(corpus.db)
    written = sum(s["chunks"] for s in before.manifest["segments"])
    corpus.churn(deletes=5, changes=0)
    report = corpus.publish()
    after = Opened(corpus.db)
    assert (report.added, report.removed) == (0, 5)
    assert sum(s["live"] for s in after.manifest["segments"]) == written - 5
    gone = set(before.chunk_of.values()) - set(after.chunk_of.values())
    assert len(gone) == 5
    for query in QUERIES:
        assert not gone & {chunk for chunk, _ in after.keyword(query)}


def test_search_segments_merge_drops_tombstones_and_keeps_texts(tmp_path: Path) -> None:
    dictionary = segments.Dictionary()
    for name, vids in (("a", [0, 1, 2]), ("b", [3, 4])):
        batch = pa.table({"vid": vids, "text": [f"bus number {v} rail" for v in vids]})
        segments.build_segment(tmp_path, name, batch, dictionary)
    live = np.array([True, False, True, True, False])
    assert segments.merge_segments(tmp_path, "m", ["a", "b"], live) == 3
    merged = segments.Segment.open(tmp_path, "m")
    assert list(merged.vids) == [0, 2, 3]
    assert [merged.chunk_text(i) for i in range(3)] == [f"bus number {v} rail" for v in (0, 2, 3)]
    bus = dictionary.ids["bu"] if "bu" in dictionary.ids else dictionary.ids["bus"]
    assert list(merged.postings(bus)[0]) == [0, 2, 3]


def test_search_segments_merge_plan_by_size_tier_and_dead_share(monkeypatch) -> None:
    monkeypatch.setattr(segments, "MERGE_FACTOR", 3)
    plan = segments.plan_merges([
        {"name": "big", "chunks": 100_000, "live": 99_000},
        {"name": "d1", "chunks": 3000, "live": 3000}, {"name": "d2", "chunks": 2500, "live": 2500},
        {"name": "dead", "chunks": 2000, "live": 100}, {"name": "d3", "chunks": 4000, "live": 3900},
    ])
    assert plan == [["dead"], ["d1", "d2", "d3"]]


def test_search_segments_drift_measure_asks_for_retraining(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(3000, 384)).astype(np.float32)
    base[:, :8] += 4 * rng.integers(0, 2, size=(3000, 8))  # some cluster structure
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    index = vectors.build_index(np.arange(3000), base, kind="ivf", nlist=16)
    training = vectors.training_profile(index, base)
    same = base[rng.choice(3000, 300)] + rng.normal(0, 0.01, (300, 384)).astype(np.float32)
    same /= np.linalg.norm(same, axis=1, keepdims=True)
    vectors.update_index(index, np.zeros(0, np.int64), np.arange(3000, 3300), same)
    steady = vectors.track_drift(index, training, same)
    assert not vectors.needs_retraining(index, steady)
    shifted = rng.normal(size=(600, 384)).astype(np.float32)
    shifted[:, 100:110] += 6  # a new topic, far from every trained centroid
    shifted /= np.linalg.norm(shifted, axis=1, keepdims=True)
    vectors.update_index(index, np.zeros(0, np.int64), np.arange(3300, 3900), shifted)
    drifted = vectors.track_drift(index, steady, shifted)
    assert vectors.drift(index, drifted)["score_drop"] > vectors.RETRAIN_SCORE_DROP
    assert vectors.needs_retraining(index, drifted)


@pytest.fixture
def small_ivf(monkeypatch: pytest.MonkeyPatch) -> None:
    """IVF from 50 vectors on, with 8 lists; the drift rules are tested on their own above."""
    monkeypatch.setattr(vectors, "EXACT_MAX_VECTORS", 50)
    monkeypatch.setattr(vectors, "ivf_lists", lambda count: 8)
    monkeypatch.setattr(vectors, "RETRAIN_IMBALANCE", 100.0)
    monkeypatch.setattr(vectors, "RETRAIN_SCORE_DROP", 1.0)


def _live_vectors(db: Path) -> tuple[np.ndarray, np.ndarray]:
    directory = search_dir(db)
    manifest = read_manifest(directory)
    replica = duckdb.connect(str(directory / manifest["replica"]), read_only=True)
    vids = np.sort(replica.execute("SELECT vid FROM chunks").fetchnumpy()["vid"]).astype(np.int64)
    replica.close()
    return vids, VectorSet(directory, manifest).reconstruct(vids)


def test_search_segments_ivf_publishes_never_rewrite_the_base_and_answer_as_a_rebuild(
        tmp_path: Path, small_segments, small_ivf) -> None:
    corpus = Corpus(tmp_path / "inc.duckdb")
    corpus.add(60)
    assert corpus.publish().index_kind == "ivf"
    directory = search_dir(corpus.db)
    base = read_manifest(directory)["vector_segments"][0]["name"]
    base_written = (directory / f"{base}.faiss").stat().st_mtime_ns
    merged = 0
    for _ in range(8):
        corpus.add(int(corpus.rng.integers(1, 12)))
        corpus.churn(deletes=int(corpus.rng.integers(0, 8)), changes=int(corpus.rng.integers(0, 5)))
        report = corpus.publish()
        assert not report.rebuilt and report.index_kind == "ivf"
        manifest = read_manifest(directory)
        merged += sum(1 for s in manifest["vector_segments"] if "_m" in s["name"])
    assert manifest["vector_segments"][0]["name"] == base  # the base is read by no publish ...
    assert (directory / f"{base}.faiss").stat().st_mtime_ns == base_written  # ... nor rewritten
    assert len(manifest["vector_segments"]) > 1 and merged > 0 and manifest["vector_dead"]
    full_db = tmp_path / "full.duckdb"
    shutil.copy(corpus.db, full_db)
    Corpus(full_db).publish(full=True)
    incremental, full = Opened(corpus.db), Opened(full_db)
    assert len(full.manifest["vector_segments"]) == 1
    rng = np.random.default_rng(1)
    probes = rng.normal(size=(5, 384)).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    for probe in probes:  # every list probed (8 of 8): both are exact
        assert incremental.dense(probe) == full.dense(probe)
    with connect(corpus.db, read_only=True) as con:
        assert check_search_index(con, corpus.db).ok

    # With 3 of 8 lists probed the segments answer as ONE index on the same trained lists.
    segmented = incremental.vectors
    segmented.nprobe = 3
    quantizer = vectors.read_index(directory / f"{incremental.manifest['quantizer']}.faiss")
    single = faiss.IndexIVFFlat(quantizer, 384, 8, faiss.METRIC_INNER_PRODUCT)
    live, matrix = _live_vectors(corpus.db)
    single.add_with_ids(matrix, live)
    single.nprobe = 3
    for probe in probes:
        hits = segmented.search(probe, 10)
        scores, ids = single.search(probe.reshape(1, -1), 10)
        assert list(hits.ids) == list(ids[0])
        assert np.allclose(hits.scores, scores[0], atol=1e-5)
        assert set(hits.ids.tolist()) <= set(live.tolist())  # tombstones never returned


def test_search_segments_mostly_dead_vectors_are_rebuilt(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "h.duckdb")
    corpus.add(40)
    corpus.publish()
    with connect(corpus.db, read_only=True) as con:
        chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    corpus.churn(deletes=int(chunks * 0.2), changes=0)
    assert not corpus.publish().rebuilt  # 20 % tombstones: kept
    corpus.churn(deletes=int(chunks * 0.2), changes=0)
    report = corpus.publish()  # 40 %: the vectors are rebuilt without them
    assert report.rebuilt
    manifest = read_manifest(search_dir(corpus.db))
    assert len(manifest["vector_segments"]) == 1 and not manifest["vector_dead"]
