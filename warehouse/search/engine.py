"""Hybrid search over the published replica: FAISS (cosine) and BM25 fused by reciprocal rank.

A `Searcher` opens the current generation read-only and reopens when the writer publishes a new
one. The caller encodes the query (this package loads no model) and passes the vector in.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.queries.rows import (
    SELECT_INSIGHT,
    SELECT_THEME_SCORE,
    insight_from_row,
    theme_score_from_row,
)
from warehouse.records import DocumentInsight, ThemeScore
from warehouse.search import vectors
from warehouse.search.filters import filter_condition
from warehouse.search.keyword import has_phrases, load_fts, split_query
from warehouse.search.models import (
    DocumentView,
    Passage,
    ScoreDetail,
    SearchFilters,
    SearchResult,
)
from warehouse.search.replica import is_current_format, read_manifest, search_dir
from warehouse.search.segments import SegmentedKeywordIndex
from warehouse.search.text import highlight_spans, passage_window
from warehouse.search.vector_set import VectorSet

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)
CANDIDATES = 100  # chunks taken from each retriever before fusion
PARALLEL_RETRIEVERS = True  # keyword search on a worker thread while FAISS runs
# Enough workers that concurrent requests (the web server's threads) never queue behind each other.
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="horizon-bm25")


SUMMARY_PROFILES = 8  # per-profile tables held in memory at once (issue 12: bounded)


class IndexNotPublished(RuntimeError):
    """No search replica beside this warehouse yet (run the flow or `horizon index rebuild`)."""


@dataclass
class _Generation:
    number: int
    con: duckdb.DuckDBPyConnection
    index: VectorSet
    vids: np.ndarray  # sorted FAISS ids of every chunk ...
    documents: np.ndarray  # ... the position of its document in `document_ids` ...
    chunk_index: np.ndarray  # ... and its index within the document
    document_ids: list[uuid.UUID]  # every document, by id
    cards: pa.Table  # ... and what a result shows of it, row for row
    keywords: SegmentedKeywordIndex | None = None  # BM25, and the chunks' texts
    # Per profile, row for row with `cards`: themes above threshold (best first), signal, region.
    _summaries: dict[str, pa.Table] = field(default_factory=dict)

    def text(self, vid: int) -> str:
        return self.keywords.text(vid)

    def locate(self, vids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        at = np.searchsorted(self.vids, np.asarray(vids, dtype=np.int64))
        return self.documents[at], self.chunk_index[at]

    def summaries(self, profile: str) -> pa.Table:
        """Held in memory (a few bytes a document), so results need no query per search; the
        SUMMARY_PROFILES last used are kept (LRU)."""
        cached = self._summaries.pop(profile, None)  # two threads may both load it: same result
        if cached is None:
            with self.con.cursor() as cur:
                cached = cur.execute(
                    "WITH d AS (SELECT id, row_number() OVER (ORDER BY id) AS pos FROM documents),"
                    " t AS (SELECT document_id, list(theme ORDER BY score DESC, theme) AS themes"
                    " FROM theme_scores WHERE profile = ? AND above_threshold"
                    " GROUP BY document_id)"
                    " SELECT coalesce(t.themes, []) AS themes, i.signal, i.region_score FROM d"
                    " LEFT JOIN t ON t.document_id = d.id LEFT JOIN document_insights i"
                    " ON i.document_id = d.id AND i.profile = ? ORDER BY d.pos",
                    [profile, profile]).fetch_arrow_table()
        self._summaries[profile] = cached
        while len(self._summaries) > SUMMARY_PROFILES:
            self._summaries.pop(next(iter(self._summaries)), None)
        return cached


@dataclass
class _Candidate:
    vid: int
    fused: float = 0.0
    dense_rank: int | None = None
    dense_score: float | None = None
    keyword_rank: int | None = None
    keyword_score: float | None = None
    extra: dict = field(default_factory=dict)


class Searcher:
    def __init__(self, db_path: Path) -> None:
        self.directory = search_dir(Path(db_path))
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self._running = 0  # searches in progress, across the server's threads
        self._running_lock = threading.Lock()

    @contextmanager
    def _vector_threads(self) -> Iterator[int]:
        """Both cores for a search running alone; one each when several run at once."""
        with self._running_lock:
            self._running += 1
            alone = self._running == 1
        try:
            yield vectors.THREADS if alone else 1
        finally:
            with self._running_lock:
                self._running -= 1

    def _generation(self) -> _Generation:
        manifest = read_manifest(self.directory)
        if manifest is None:
            raise IndexNotPublished(f"no search index in {self.directory} yet; run the daily "
                                    "flow or `horizon index rebuild`")
        if not is_current_format(manifest):
            raise IndexNotPublished(f"the search index in {self.directory} was built by an older "
                                    "Horizon; run `horizon index rebuild`")
        with self._lock:
            if self._current is None or self._current.number != manifest["generation"]:
                con = duckdb.connect(str(self.directory / manifest["replica"]), read_only=True)
                load_fts(con)
                index = VectorSet(self.directory, manifest)
                # The old generation is NOT closed here: requests on other threads may still be
                # reading it (closing the connection closes their cursors: "No open result set",
                # "Connection already closed"). It closes when the last of them drops it.
                gen = _Generation(manifest["generation"], con, index, *_documents(con))
                gen.keywords = SegmentedKeywordIndex(self.directory, manifest, gen.vids)
                self._current = gen
            return self._current

    def replica_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current replica for other read-only views (web/people.py)."""
        return self._generation().con.cursor()

    @property
    def generation(self) -> int:
        return self._generation().number

    def search(self, query: str, query_vector: np.ndarray | None,
               filters: SearchFilters | None = None, limit: int = 20) -> list[SearchResult]:
        """Documents for the query, best first, each with its best passage and scores."""
        filters = filters or SearchFilters()
        gen = self._generation()
        cur = gen.con.cursor()
        allowed = _allowed(cur, filters)
        candidates: dict[int, _Candidate] = {}
        keyword = None
        if query.strip() and query_vector is not None and PARALLEL_RETRIEVERS:
            # BM25 (numpy over memory-mapped postings) and FAISS both release the GIL.
            keyword = _POOL.submit(_keyword_on_own_cursor, gen, query, allowed)
        if query_vector is not None:
            with self._vector_threads() as threads:
                hits = gen.index.search(query_vector, CANDIDATES, allowed, threads)
            for rank, (vid, score) in enumerate(zip(hits.ids, hits.scores, strict=True), 1):
                c = candidates.setdefault(int(vid), _Candidate(int(vid)))
                c.dense_rank, c.dense_score = rank, float(score)
                c.fused += 1.0 / (RRF_K + rank)
        if query.strip():
            vids, scores = (keyword.result() if keyword is not None else
                            gen.keywords.search(cur, query, CANDIDATES, allowed))
            for rank, (vid, score) in enumerate(zip(vids, scores, strict=True), 1):
                c = candidates.setdefault(int(vid), _Candidate(int(vid)))
                c.keyword_rank, c.keyword_score = rank, float(score)
                c.fused += 1.0 / (RRF_K + rank)
        _, phrases = split_query(query)
        if phrases:
            candidates = {vid: c for vid, c in candidates.items()
                          if has_phrases(gen.text(vid), phrases)}
        return _to_results(gen, candidates, query, filters, limit)

    def similar(self, document_id: uuid.UUID, filters: SearchFilters | None = None,
                limit: int = 10) -> list[SearchResult]:
        """More like this: documents nearest the mean of this document's chunk vectors."""
        filters = filters or SearchFilters()
        gen = self._generation()
        cur = gen.con.cursor()
        vids = [r[0] for r in cur.execute("SELECT vid FROM chunks WHERE document_id = ?",
                                          [document_id]).fetchall()]
        if not vids:
            raise KeyError(str(document_id))
        centre = gen.index.reconstruct(np.array(vids)).mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        allowed = _allowed(cur, filters)
        with self._vector_threads() as threads:
            hits = gen.index.search(centre, CANDIDATES * 2, allowed, threads)
        candidates: dict[int, _Candidate] = {}
        for rank, (vid, score) in enumerate(zip(hits.ids, hits.scores, strict=True), 1):
            candidates[int(vid)] = _Candidate(int(vid), 1.0 / (RRF_K + rank), rank, float(score))
        results = _to_results(gen, candidates, "", filters, limit + 1, exclude={document_id})
        return results[:limit]

    def facets(self, profile: str = "wmca") -> dict[str, list[str]]:
        return _facets(self._generation().con.cursor(), profile)

    def document(self, document_id: uuid.UUID, profile: str = "wmca") -> DocumentView:
        gen = self._generation()
        cur = gen.con.cursor()
        row = cur.execute(
            "SELECT id, title, url, source, kind, published_at, summary, organisations,"
            " opens_at, closes_at FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise KeyError(str(document_id))
        themes = _themes(cur, profile, [document_id]).get(document_id, [])
        insight = _insights(cur, profile, [document_id]).get(document_id)
        cluster = 1
        if insight and insight.cluster_id:
            cluster = cur.execute("SELECT count(*) FROM document_insights WHERE cluster_id = ?"
                                  " AND profile = ?", [insight.cluster_id, profile]).fetchone()[0]
        passages = [Passage(chunk_index=i, text=gen.text(vid)) for i, vid in cur.execute(
            "SELECT chunk_index, vid FROM chunks WHERE document_id = ? ORDER BY chunk_index"
            " LIMIT 6", [document_id]).fetchall()]
        keys = ("id", "title", "url", "source", "kind", "published_at", "summary",
                "organisations", "opens_at", "closes_at")
        return DocumentView(**dict(zip(keys, row, strict=True)), themes=themes,
                            insight=insight, cluster_size=cluster, passages=passages)


def _keyword_on_own_cursor(gen: _Generation, query: str, allowed: np.ndarray | None
                           ) -> tuple[np.ndarray, np.ndarray]:
    with gen.con.cursor() as cur:
        return gen.keywords.search(cur, query, CANDIDATES, allowed)


def _allowed(cur: duckdb.DuckDBPyConnection, filters: SearchFilters) -> np.ndarray | None:
    """The vids the filters allow, sorted (None: no filter)."""
    if not filters.active:
        return None
    condition, params = filter_condition(filters)
    vids = cur.execute("SELECT c.vid FROM chunks c JOIN documents d ON d.id = c.document_id"
                       f" WHERE {condition} ORDER BY c.vid", params).fetchnumpy()["vid"]
    return np.asarray(vids, dtype=np.int64)


def _documents(con: duckdb.DuckDBPyConnection
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[uuid.UUID], pa.Table]:
    """vid -> (document position, chunk index) (~20 bytes a chunk) and the documents' cards."""
    cards = con.execute("SELECT id, title, url, source, kind, published_at FROM documents"
                        " ORDER BY id").fetch_arrow_table()
    data = con.execute(
        "WITH d AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS pos FROM documents)"
        " SELECT c.vid, d.pos::INTEGER AS pos, c.chunk_index FROM chunks c"
        " JOIN d ON d.id = c.document_id ORDER BY c.vid").fetchnumpy()
    document_ids = [uuid.UUID(str(i)) for i in cards.column("id").to_pylist()]
    return (np.asarray(data["vid"], dtype=np.int64), np.asarray(data["pos"], dtype=np.int32),
            np.asarray(data["chunk_index"], dtype=np.int32), document_ids, cards)


def _to_results(gen: _Generation, candidates: dict[int, _Candidate], query: str,
                filters: SearchFilters, limit: int, exclude: set[uuid.UUID] | None = None
                ) -> list[SearchResult]:
    if not candidates:
        return []
    positions, indexes = gen.locate(list(candidates))
    per_doc: dict[int, list[tuple[_Candidate, int]]] = defaultdict(list)
    for candidate, position, index in zip(candidates.values(), positions, indexes, strict=True):
        if not (exclude and gen.document_ids[position] in exclude):
            per_doc[int(position)].append((candidate, int(index)))
    ranked = sorted(per_doc.items(), key=lambda item: (
        -max(c.fused for c, _ in item[1]), -len(item[1]), item[0]))[:limit]
    at = pa.array([position for position, _ in ranked], type=pa.int64())
    cards = gen.cards.take(at).to_pylist()
    summaries = gen.summaries(filters.profile).take(at).to_pylist()
    results = []
    for (position, chunks), card, summary in zip(ranked, cards, summaries, strict=True):
        best, index = max(chunks, key=lambda item: (item[0].fused, -item[1]))
        text = gen.text(best.vid)
        passage, spans = passage_window(text, highlight_spans(text, query))
        results.append(SearchResult(
            id=gen.document_ids[position], title=card["title"], url=card["url"],
            source=card["source"], kind=card["kind"], published_at=card["published_at"],
            themes=summary["themes"], signal=summary["signal"],
            region_score=summary["region_score"],
            passage=Passage(chunk_index=index, text=passage, highlights=spans),
            score=round(best.fused, 6),
            scores=ScoreDetail(fused=round(best.fused, 6), dense_rank=best.dense_rank,
                               dense_score=best.dense_score, keyword_rank=best.keyword_rank,
                               keyword_score=best.keyword_score, matched_chunks=len(chunks)),
        ))
    return results


def _themes(cur: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
            ) -> dict[uuid.UUID, list[ThemeScore]]:
    out: dict[uuid.UUID, list[ThemeScore]] = defaultdict(list)
    for row in cur.execute(
        f"SELECT {SELECT_THEME_SCORE}"
        f" FROM theme_scores WHERE profile = ? AND document_id IN ({_uuid_list(ids)})"
        " ORDER BY score DESC", [profile]).fetchall():
        out[row[0]].append(theme_score_from_row(row))
    return out


def _insights(cur: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
              ) -> dict[uuid.UUID, DocumentInsight]:
    return {row[0]: insight_from_row(row) for row in cur.execute(
        f"SELECT {SELECT_INSIGHT} FROM document_insights WHERE profile = ?"
        f" AND document_id IN ({_uuid_list(ids)})", [profile]).fetchall()}


def _uuid_list(ids: list[uuid.UUID]) -> str:
    """A SQL list of UUID literals (list parameters make DuckDB probe for pandas each call)."""
    return ", ".join(f"'{uuid.UUID(str(i))}'::UUID" for i in ids) or "NULL"


def _facets(cur: duckdb.DuckDBPyConnection, profile: str) -> dict[str, list[str]]:
    def column(sql: str, params: list | None = None) -> list[str]:
        return [row[0] for row in cur.execute(sql, params or []).fetchall()]

    return {
        "sources": column("SELECT DISTINCT source FROM documents ORDER BY 1"),
        "kinds": column("SELECT DISTINCT kind FROM documents ORDER BY 1"),
        "themes": column("SELECT DISTINCT theme FROM theme_scores WHERE profile = ? ORDER BY 1",
                         [profile]),
    }
