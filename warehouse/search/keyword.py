"""Keyword relevance: DuckDB's full-text extension (BM25), loaded offline from its PyPI package.

`PRAGMA create_fts_index` tokenises, stems (Porter) and drops English stop words; digits are kept
so "HS2" and "UKSPF" are terms. The index is rebuilt whole when the replica is published, and its
postings are then written out beside the replica as flat arrays: for each term, its chunks with
their BM25 impact (the extension's own formula, idf included), best first. A query reads only its
terms' slices of those memory-mapped arrays and sums them with numpy: no SQL scan per query. An
unfiltered, phrase-free query reads only each term's best TERM_DEPTH postings (impact-ordered
early termination: exact for terms in fewer chunks, approximate for common ones; bench/search.py
reports the overlap with exhaustive BM25); filtered and phrase queries read every posting.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from importlib import resources
from itertools import islice
from pathlib import Path

import duckdb
import numpy as np

K1 = 1.2
B = 0.75
# 0 = always exhaustive.
TERM_DEPTH = 5_000
_IGNORE = r"(\\.|[^a-z0-9])+"
_IGNORE_PATTERN = re.compile(_IGNORE)
_STEM_CACHE_MAX = 50_000
_PHRASE = re.compile(r'"([^"]+)"')
# Flat files of one generation's postings: POSTINGS_SUFFIXES[i] holds the i-th array.
POSTINGS_SUFFIXES = (".offsets", ".chunks", ".impacts")
_DTYPES = (np.int64, np.uint32, np.float32)
# Postings are accumulated into a dense per-chunk array when there are more than
# (chunks / _DENSE_SHARE) of them; below that, sorting the few is cheaper.
_DENSE_SHARE = 16


def fts_extension_path() -> str:
    version = duckdb.__version__
    path = resources.files("duckdb_extension_fts") / "extensions" / f"v{version}" / (
        "fts.duckdb_extension")
    if not path.is_file():
        raise RuntimeError(f"duckdb-extension-fts for duckdb {version} not installed at {path}")
    return str(path)


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{fts_extension_path()}'")


def build_keyword_index(con: duckdb.DuckDBPyConnection, postings: Path) -> None:
    """Full-text index over chunks(vid, text), then its postings written to `postings`.*"""
    load_fts(con)
    con.execute(
        "PRAGMA create_fts_index('chunks', 'vid', 'text', stemmer = 'porter',"
        f" stopwords = 'english', ignore = '{_IGNORE}', strip_accents = 1, lower = 1,"
        " overwrite = 1)"
    )
    write_postings(con, postings)


def write_postings(con: duckdb.DuckDBPyConnection, postings: Path) -> None:
    """Per term, (chunk position in vid order, BM25 impact) sorted by impact, as flat arrays.

    Streamed in record batches, so memory stays bounded at a million chunks; files are written
    under temporary names and renamed into place.
    """
    terms = con.execute("SELECT coalesce(max(termid) + 1, 0) FROM fts_main_chunks.dict"
                        ).fetchone()[0]
    counts = np.zeros(int(terms), dtype=np.int64)
    paths = postings_files(postings)
    temporary = [path.with_name(f".{path.name}.{os.getpid()}.tmp") for path in paths]
    reader = con.execute(
        "WITH positions AS (SELECT vid, (row_number() OVER (ORDER BY vid) - 1) AS pos"
        " FROM chunks), p AS (SELECT t.termid, d.name AS vid, count(*) AS tf,"
        " any_value(d.len) AS len FROM fts_main_chunks.terms t"
        " JOIN fts_main_chunks.docs d ON d.docid = t.docid GROUP BY t.termid, d.name)"
        " SELECT p.termid, positions.pos::UINTEGER AS pos,"
        " (log10((s.num_docs - d.df + 0.5) / (d.df + 0.5) + 1) * p.tf * (? + 1)"
        " / (p.tf + ? * (1 - ? + ? * p.len / s.avgdl)))::FLOAT AS impact"
        " FROM p JOIN positions USING (vid) JOIN fts_main_chunks.dict d USING (termid),"
        " fts_main_chunks.stats s ORDER BY p.termid, impact DESC, pos", [K1, K1, B, B],
    ).fetch_record_batch(1_000_000)
    with temporary[1].open("wb") as chunks, temporary[2].open("wb") as impacts:
        for batch in reader:
            termids = batch.column(0).to_numpy()
            counts += np.bincount(termids, minlength=len(counts))
            batch.column(1).to_numpy().astype(np.uint32).tofile(chunks)
            batch.column(2).to_numpy().astype(np.float32).tofile(impacts)
    np.concatenate([[0], np.cumsum(counts)]).astype(np.int64).tofile(temporary[0])
    for tmp, path in zip(temporary, paths, strict=True):
        os.replace(tmp, path)


def postings_files(postings: Path) -> list[Path]:
    return [postings.with_name(postings.name + suffix) for suffix in POSTINGS_SUFFIXES]


def split_query(query: str) -> tuple[str, list[str]]:
    """The query's free text and its quoted phrases ("Levelling Up Fund")."""
    phrases = [p.strip() for p in _PHRASE.findall(query) if p.strip()]
    return query.replace('"', " "), phrases


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.findall(r"\w+", phrase.lower())]
    return re.compile(r"\b" + r"\W+".join(words) + r"\b", re.IGNORECASE)


def has_phrases(text: str, phrases: list[str]) -> bool:
    return all(phrase_pattern(p).search(text) for p in phrases)


def tokenize(text: str) -> list[str]:
    """The index's tokeniser (the extension's `tokenize` macro, as configured above) in Python:
    accents stripped, lower case, split on everything but [a-z0-9]."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _IGNORE_PATTERN.sub(" ", stripped.lower()).split()


class KeywordIndex:
    """One generation's postings, memory-mapped, with the term dictionary in memory.

    `chunk_vids` are the replica's chunk vids in ascending order (a posting's chunk is its
    position there); `text_of(vid)` gives a chunk's text, for the phrase check.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, postings: Path, chunk_vids: np.ndarray,
                 text_of: Callable[[int], str]) -> None:
        self._offsets, self._chunks, self._impacts = (
            np.memmap(path, dtype=dtype, mode="r") if path.stat().st_size else
            np.zeros(0, dtype=dtype)
            for path, dtype in zip(postings_files(postings), _DTYPES, strict=True))
        self._termids = dict(con.execute("SELECT term, termid FROM fts_main_chunks.dict"
                                         ).fetchall())
        self._vids = chunk_vids
        self._text_of = text_of
        self._stems: dict[str, str] = {}

    def terms(self, con: duckdb.DuckDBPyConnection, text: str) -> list[int]:
        """Term ids of the text's indexed terms, tokenised and stemmed as the index was."""
        stems = {token: self._stems.get(token) for token in tokenize(text)}
        new = sorted(token for token, stem in stems.items() if stem is None)
        if new:  # tokens are [a-z0-9]+ only, so they are safe as SQL literals
            fetched = con.execute("SELECT [" + ", ".join(f"stem('{t}', 'porter')" for t in new)
                                  + "]").fetchone()[0]
            fresh = dict(zip(new, fetched, strict=True))
            stems.update(fresh)
            if len(self._stems) + len(fresh) > _STEM_CACHE_MAX:
                self._stems.clear()
            self._stems.update(fresh)
        found = (self._termids.get(stem) for stem in stems.values())
        return sorted({termid for termid in found if termid is not None})

    def search(self, con: duckdb.DuckDBPyConnection, query: str, k: int,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k chunk vids by BM25 (any query term) and their scores, best first.

        `allowed`: the only vids that may be returned (a filter). Quoted phrases must appear in
        the chunk. `con` (a cursor of the replica) stems the query.
        """
        text, phrases = split_query(query)
        termids = self.terms(con, text)
        if not termids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        depth = TERM_DEPTH if (allowed is None and not phrases) else 0
        positions, scores = self._accumulate(termids, depth)
        if allowed is not None:
            keep = np.isin(self._vids[positions], allowed)
            positions, scores = positions[keep], scores[keep]
        if phrases:
            required = self.terms(con, " ".join(phrases))
            positions, scores = self._containing_all(positions, scores, required)
            ranked = _best(positions, scores, len(positions))
            holding = (i for i in ranked
                       if has_phrases(self._text_of(int(self._vids[positions[i]])), phrases))
            order = np.fromiter(islice(holding, k), dtype=np.int64)  # reads texts until k hold
        else:
            order = _best(positions, scores, k)
        return (self._vids[positions[order]].astype(np.int64),
                scores[order].astype(np.float32))

    def _slice(self, termid: int, depth: int) -> slice:
        start, end = int(self._offsets[termid]), int(self._offsets[termid + 1])
        return slice(start, min(end, start + depth) if depth else end)

    def _accumulate(self, termids: list[int], depth: int) -> tuple[np.ndarray, np.ndarray]:
        """Chunks holding any of the terms and their summed impacts (float64)."""
        parts = [self._slice(t, depth) for t in termids]
        chunks = np.concatenate([self._chunks[s] for s in parts])
        impacts = np.concatenate([self._impacts[s] for s in parts]).astype(np.float64)
        if len(chunks) * _DENSE_SHARE > len(self._vids):
            totals = np.bincount(chunks, weights=impacts, minlength=len(self._vids))
            positions = np.flatnonzero(totals)
            return positions, totals[positions]
        positions, inverse = np.unique(chunks, return_inverse=True)
        return positions, np.bincount(inverse, weights=impacts, minlength=len(positions))

    def _containing_all(self, positions: np.ndarray, scores: np.ndarray, required: list[int]
                        ) -> tuple[np.ndarray, np.ndarray]:
        for termid in required:
            keep = np.isin(positions, self._chunks[self._slice(termid, 0)])
            positions, scores = positions[keep], scores[keep]
        return positions, scores


def _best(positions: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the k best by (score descending, chunk ascending)."""
    if len(scores) > k > 0:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(scores))
    order = candidates[np.lexsort((positions[candidates], -scores[candidates]))]
    return order[:k]
