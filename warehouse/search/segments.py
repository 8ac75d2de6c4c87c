"""The keyword index as immutable segments, so a publish costs the day's chunks, not the archive.

Each publish tokenises only its new chunks (DuckDB's full-text extension on a scratch table of
them, so the tokeniser, Porter stemmer and stop words are the extension's) and writes one SEGMENT:
per term, the chunks holding it (vids) and the term frequency; per chunk, its length and its text.
A deleted or changed chunk is a tombstone: its vid is simply absent from the generation's chunk
set, and merges drop it. Nothing in a segment depends on the rest of the corpus; BM25's corpus
statistics (chunk count, average length, each term's document frequency) are computed at query
time over the live chunks, so an index built over many publishes scores exactly as one built in a
single pass (tests/warehouse/test_search_segments.py checks it with random adds and deletes).

Segments are merged at publish time when a size tier holds MERGE_FACTOR of them (a log-structured
merge, as Lucene's tiered policy) or when most of a segment is tombstones; a merge reads only the
merged segments. Term ids are global (the generation's `terms-NNNNNN.txt`, one term a line, in id
order); new terms are appended, so a segment never has to be rewritten for a new term.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.search.keyword import _IGNORE, K1, B, has_phrases, load_fts, split_query, tokenize

# A full rebuild writes segments of this many chunks (the scratch full-text index of one segment
# is what bounds a rebuild's memory).
SEGMENT_CHUNKS = 100_000
MERGE_FACTOR = 10  # segments in one size tier (log10 of chunks) before they merge into one
PURGE_DEAD_SHARE = 0.3  # a segment more dead than this is rewritten without its tombstones
# name suffix -> dtype: per term (sorted global term ids, offsets into the postings), per posting
# (chunk vid, term frequency), per chunk (sorted vids, lengths, text offsets) and the texts.
_FILES = {".terms": np.int64, ".offsets": np.int64, ".pvids": np.uint32, ".tfs": np.uint16,
          ".vids": np.uint32, ".lens": np.uint32, ".toffs": np.int64, ".text": np.uint8}
_DENSE_SHARE = 16
_MAX_VID = np.iinfo(np.uint32).max


def segment_files(directory: Path, name: str) -> list[Path]:
    return [directory / (name + suffix) for suffix in _FILES]


@dataclass
class Segment:
    """One segment's arrays, memory-mapped (read-only)."""

    name: str
    terms: np.ndarray
    offsets: np.ndarray
    pvids: np.ndarray
    tfs: np.ndarray
    vids: np.ndarray
    lens: np.ndarray
    toffs: np.ndarray
    text: np.ndarray

    @classmethod
    def open(cls, directory: Path, name: str) -> Segment:
        arrays = []
        for path, dtype in zip(segment_files(directory, name), _FILES.values(), strict=True):
            arrays.append(np.memmap(path, dtype=dtype, mode="r") if path.stat().st_size
                          else np.zeros(0, dtype=dtype))
        return cls(name, *arrays)

    def postings(self, termid: int) -> tuple[np.ndarray, np.ndarray]:
        at = int(np.searchsorted(self.terms, termid))
        if at == len(self.terms) or self.terms[at] != termid:
            return self.pvids[:0], self.tfs[:0]
        start, end = int(self.offsets[at]), int(self.offsets[at + 1])
        return self.pvids[start:end], self.tfs[start:end]

    def chunk_text(self, position: int) -> str:
        start, end = int(self.toffs[position]), int(self.toffs[position + 1])
        return bytes(self.text[start:end]).decode("utf-8")


@dataclass
class Tokenised:
    """A batch of chunks as postings: (term, vid, tf) rows, and each chunk's length and text."""

    terms: list[str]  # the batch's distinct terms; `term_rows` index into it
    term_rows: np.ndarray
    vids: np.ndarray
    tfs: np.ndarray
    chunk_vids: np.ndarray
    chunk_lens: np.ndarray
    texts: list[str]


def tokenise(batch: pa.Table) -> Tokenised:
    """Postings of a (vid, text) batch, from a scratch full-text index of it alone."""
    scratch = duckdb.connect()
    try:
        load_fts(scratch)
        scratch.register("batch", batch)
        scratch.execute("CREATE TABLE chunks AS SELECT vid::UBIGINT AS vid, text FROM batch")
        scratch.execute(
            "PRAGMA create_fts_index('chunks', 'vid', 'text', stemmer = 'porter',"
            f" stopwords = 'english', ignore = '{_IGNORE}', strip_accents = 1, lower = 1)")
        terms = scratch.execute("SELECT termid, term FROM fts_main_chunks.dict ORDER BY termid"
                                ).fetchnumpy()
        rows = scratch.execute(
            "SELECT t.termid, d.name AS vid, count(*) AS tf FROM fts_main_chunks.terms t"
            " JOIN fts_main_chunks.docs d ON d.docid = t.docid GROUP BY ALL").fetchnumpy()
        docs = scratch.execute(
            "SELECT c.vid, coalesce(d.len, 0) AS len, c.text FROM chunks c"
            " LEFT JOIN fts_main_chunks.docs d ON d.name = c.vid ORDER BY c.vid"
        ).fetch_arrow_table()
    finally:
        scratch.close()
    local = np.full(int(terms["termid"].max()) + 1 if len(terms["termid"]) else 0, -1, np.int64)
    local[np.asarray(terms["termid"], dtype=np.int64)] = np.arange(len(terms["termid"]))
    return Tokenised(
        terms=[str(t) for t in terms["term"]],
        term_rows=local[np.asarray(rows["termid"], dtype=np.int64)],
        vids=np.asarray(rows["vid"], dtype=np.int64), tfs=np.asarray(rows["tf"], dtype=np.int64),
        chunk_vids=docs.column("vid").to_numpy().astype(np.int64),
        chunk_lens=docs.column("len").to_numpy().astype(np.int64),
        texts=docs.column("text").to_pylist())


class Dictionary:
    """Global term ids: term -> id, ids in order of first appearance."""

    def __init__(self, terms: list[str] | None = None) -> None:
        self.terms = list(terms or [])
        self.ids = {term: i for i, term in enumerate(self.terms)}

    @classmethod
    def read(cls, path: Path) -> Dictionary:
        text = path.read_text(encoding="utf-8")
        return cls(text.split("\n")[:-1] if text else [])

    def write(self, path: Path) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text("".join(term + "\n" for term in self.terms), encoding="utf-8")
        os.replace(tmp, path)

    def assign(self, terms: list[str]) -> np.ndarray:
        out = np.empty(len(terms), dtype=np.int64)
        for i, term in enumerate(terms):
            found = self.ids.get(term)
            if found is None:
                found = self.ids[term] = len(self.terms)
                self.terms.append(term)
            out[i] = found
        return out


def write_segment(directory: Path, name: str, termids: np.ndarray, vids: np.ndarray,
                  tfs: np.ndarray, chunk_vids: np.ndarray, chunk_lens: np.ndarray,
                  texts: Iterable[bytes]) -> None:
    """Write a segment from its postings (any order) and its chunks (sorted by vid)."""
    if len(chunk_vids) and int(chunk_vids[-1]) > _MAX_VID:
        raise ValueError("chunk vids beyond 32 bits")
    order = np.lexsort((vids, termids))
    termids, vids, tfs = termids[order], vids[order], tfs[order]
    starts = np.flatnonzero(np.concatenate([[True], termids[1:] != termids[:-1]])) if len(
        termids) else np.zeros(0, dtype=np.int64)
    text_offsets = [0]
    tmp = {path: path.with_name(f".{path.name}.{os.getpid()}.tmp")
           for path in segment_files(directory, name)}
    paths = list(tmp)
    with tmp[paths[7]].open("wb") as out:
        for data in texts:
            out.write(data)
            text_offsets.append(text_offsets[-1] + len(data))
    arrays = [termids[starts], np.concatenate([starts, [len(termids)]]), vids,
              np.minimum(tfs, np.iinfo(np.uint16).max), chunk_vids, chunk_lens, text_offsets]
    for path, array, dtype in zip(paths[:7], arrays, _FILES.values(), strict=False):
        np.asarray(array).astype(dtype).tofile(tmp[path])
    for path in paths:
        os.replace(tmp[path], path)


def build_segment(directory: Path, name: str, batch: pa.Table, dictionary: Dictionary) -> int:
    """Tokenise a (vid, text) batch sorted by vid into a new segment; its chunk count."""
    tokens = tokenise(batch)
    termids = dictionary.assign(tokens.terms)[tokens.term_rows]
    write_segment(directory, name, termids, tokens.vids, tokens.tfs, tokens.chunk_vids,
                  tokens.chunk_lens, (t.encode("utf-8") for t in tokens.texts))
    return len(tokens.chunk_vids)


def merge_segments(directory: Path, name: str, names: list[str], live: np.ndarray) -> int:
    """One segment from several, without their tombstones (`live`: bool per vid); chunk count."""
    parts = [Segment.open(directory, n) for n in names]
    termids, vids, tfs, cvids, clens, texts = [], [], [], [], [], []
    for seg in parts:
        counts = np.diff(seg.offsets)
        keep = _alive(live, seg.pvids)
        termids.append(np.repeat(seg.terms, counts)[keep])
        vids.append(np.asarray(seg.pvids)[keep])
        tfs.append(np.asarray(seg.tfs)[keep])
        kept = np.flatnonzero(_alive(live, seg.vids))
        cvids.append(np.asarray(seg.vids)[kept])
        clens.append(np.asarray(seg.lens)[kept])
        texts.append((seg, kept))
    chunk_vids = np.concatenate(cvids) if cvids else np.zeros(0, np.int64)
    order = np.argsort(chunk_vids, kind="stable")
    where = [(seg, int(i)) for seg, kept in texts for i in kept]

    def ordered_texts() -> Iterator[bytes]:
        for at in order:
            seg, i = where[at]
            yield bytes(seg.text[int(seg.toffs[i]):int(seg.toffs[i + 1])])

    write_segment(directory, name, np.concatenate(termids), np.concatenate(vids),
                  np.concatenate(tfs), chunk_vids[order], np.concatenate(clens)[order],
                  ordered_texts())
    return len(chunk_vids)


def _alive(live: np.ndarray, vids: np.ndarray) -> np.ndarray:
    vids = np.asarray(vids, dtype=np.int64)
    inside = vids < len(live)
    out = np.zeros(len(vids), dtype=bool)
    out[inside] = live[vids[inside]]
    return out


def plan_merges(segments: list[dict]) -> list[list[str]]:
    """Groups of segments to merge: a full size tier, or a mostly dead segment on its own.

    `segments`: [{"name", "chunks", "live"}] (chunks written, chunks still live)."""
    tiers: dict[int, list[str]] = {}
    groups = []
    for seg in segments:
        alive = seg["live"]
        if seg["chunks"] and (seg["chunks"] - alive) > PURGE_DEAD_SHARE * seg["chunks"]:
            groups.append([seg["name"]])
            continue
        tiers.setdefault(int(math.log10(max(alive, 1))), []).append(seg["name"])
    groups += [names for names in tiers.values() if len(names) >= MERGE_FACTOR]
    return groups


class SegmentedKeywordIndex:
    """BM25 over a generation's segments: exact, from live-corpus statistics at query time.

    `chunk_vids`: the generation's live vids, sorted; `text_of(vid)` a chunk's text (phrases).
    Same interface as the flat `KeywordIndex` it replaces: `search(con, query, k, allowed)`.
    """

    def __init__(self, directory: Path, manifest: dict, chunk_vids: np.ndarray) -> None:
        self.dictionary = Dictionary.read(directory / manifest["terms"])
        self.segments = [Segment.open(directory, s["name"]) for s in manifest["segments"]]
        size = int(chunk_vids[-1]) + 1 if len(chunk_vids) else 0
        self._live = np.zeros(size, dtype=bool)
        self._live[chunk_vids] = True
        self._lens = np.zeros(size, dtype=np.float64)
        self._segment_of = np.full(size, -1, dtype=np.int32)
        self._position = np.zeros(size, dtype=np.int64)
        for i, seg in enumerate(self.segments):
            vids = np.asarray(seg.vids, dtype=np.int64)
            inside = vids < size
            self._lens[vids[inside]] = seg.lens[inside]
            self._segment_of[vids[inside]] = i
            self._position[vids[inside]] = np.flatnonzero(inside)
        self.chunks = len(chunk_vids)
        self.avgdl = float(self._lens[self._live].sum()) / self.chunks if self.chunks else 0.0
        self._stems: dict[str, str] = {}

    def text(self, vid: int) -> str:
        return self.segments[int(self._segment_of[vid])].chunk_text(int(self._position[vid]))

    def terms(self, con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
        """The text's indexed terms (stems), sorted, tokenised and stemmed as the index was."""
        tokens = [t for t in dict.fromkeys(tokenize(text)) if t not in self._stems]
        if tokens:  # tokens are [a-z0-9]+ only, so they are safe as SQL literals
            stems = con.execute("SELECT [" + ", ".join(f"stem('{t}', 'porter')" for t in tokens)
                                + "]").fetchone()[0]
            if len(self._stems) > 50_000:
                self._stems.clear()
            self._stems.update(zip(tokens, stems, strict=True))
        found = {self._stems.get(t) for t in tokenize(text)}
        return sorted(s for s in found if s in self.dictionary.ids)

    def postings(self, term: str, allowed: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Live (vids, BM25 impacts) of one term over every segment."""
        termid = self.dictionary.ids[term]
        pieces = [seg.postings(termid) for seg in self.segments]
        vids = np.concatenate([np.asarray(v, dtype=np.int64) for v, _ in pieces])
        tfs = np.concatenate([np.asarray(t, dtype=np.float64) for _, t in pieces])
        keep = _alive(self._live, vids)
        vids, tfs = vids[keep], tfs[keep]
        df = len(vids)
        idf = math.log10((self.chunks - df + 0.5) / (df + 0.5) + 1)
        impacts = idf * tfs * (K1 + 1) / (
            tfs + K1 * (1 - B + B * self._lens[vids] / self.avgdl))
        if allowed is not None:
            inside = np.isin(vids, allowed)
            vids, impacts = vids[inside], impacts[inside]
        return vids, impacts

    def search(self, con: duckdb.DuckDBPyConnection, query: str, k: int,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k chunk vids by BM25 (any query term) and their scores, best first."""
        text, phrases = split_query(query)
        terms = self.terms(con, text)
        if not terms or not self.chunks:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        parts = [self.postings(term, allowed) for term in terms]
        vids, scores = _accumulate(np.concatenate([v for v, _ in parts]),
                                   np.concatenate([s for _, s in parts]), len(self._live))
        if phrases:
            for term in self.terms(con, " ".join(phrases)):
                keep = np.isin(vids, self.postings(term)[0])
                vids, scores = vids[keep], scores[keep]
            ranked = _best(vids, scores, len(vids))
            holding = (i for i in ranked if has_phrases(self.text(int(vids[i])), phrases))
            order = np.fromiter(islice(holding, k), dtype=np.int64)
        else:
            order = _best(vids, scores, k)
        return vids[order].astype(np.int64), scores[order].astype(np.float32)


def _accumulate(vids: np.ndarray, impacts: np.ndarray, size: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Summed impacts per vid, in the order the terms were given (so sums are reproducible)."""
    if len(vids) * _DENSE_SHARE > size:
        totals = np.bincount(vids, weights=impacts, minlength=size)
        hit = np.bincount(vids, minlength=size) > 0
        found = np.flatnonzero(hit)
        return found, totals[found]
    found, inverse = np.unique(vids, return_inverse=True)
    return found, np.bincount(inverse, weights=impacts, minlength=len(found))


def _best(vids: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the k best by (score descending, vid ascending)."""
    if len(scores) > k > 0:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(scores))
    order = candidates[np.lexsort((vids[candidates], -scores[candidates]))]
    return order[:k]

