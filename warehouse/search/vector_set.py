"""A generation's vector index as segments: the trained base plus the deltas of later publishes.

A full rebuild writes one segment (the base) and, for IVF, its trained quantizer alone
(`vNNNNNN_q.faiss`, a few MB). Each incremental publish writes one small segment of the day's
vectors, added to lists of that same quantizer; deleted and changed chunks are tombstones (the
generation's `dead-NNNNNN.npy`), skipped at search time by an id selector and dropped when their
segment is merged. So a publish never reads or rewrites the base, and searchers read every
segment memory-mapped (faiss' IO_FLAG_MMAP: the lists stay in the page cache, not the heap).

A segment in the manifest: {"name", "vectors", "live", "ranges": [[first_vid, end_vid], ...]}.
vids are allotted in increasing order per publish, so the ranges say which segment holds a vid.
An IVF search quantises the query once and scans the same lists in every segment
(`search_preassigned`), so results equal those of one index holding every vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from warehouse.search import vectors
from warehouse.search.vectors import VectorHits


def segment_path(directory: Path, name: str) -> Path:
    return directory / f"{name}.faiss"


def read_segment(path: Path, kind: str) -> faiss.Index:
    """A segment memory-mapped (its lists or flat vectors are paged in as searches touch them):
    IO_FLAG_MMAP maps IVF lists, IO_FLAG_MMAP_IFC flat vectors (faiss takes one or the other)."""
    if kind != "ivf":
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP)
    faiss.extract_index_ivf(index).parallel_mode = 1  # one query: its lists over the threads
    return index


def read_dead(directory: Path, manifest: dict) -> np.ndarray:
    name = manifest.get("vector_dead")
    if not name:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.load(directory / name)).astype(np.int64)


@dataclass
class _Segment:
    ranges: np.ndarray  # (n, 2) int64: [first_vid, end_vid)
    index: faiss.Index

    def holds(self, ids: np.ndarray) -> np.ndarray:
        inside = np.zeros(len(ids), dtype=bool)
        for lo, hi in self.ranges:
            inside |= (ids >= lo) & (ids < hi)
        return inside


class VectorSet:
    """Search and reconstruction over a generation's vector segments, tombstones excluded."""

    def __init__(self, directory: Path, manifest: dict) -> None:
        self.kind = manifest.get("index_kind") or "exact"
        self.segments = [_Segment(np.asarray(s["ranges"], dtype=np.int64).reshape(-1, 2),
                                  read_segment(segment_path(directory, s["name"]), self.kind))
                         for s in manifest["vector_segments"]]
        self.dead = read_dead(directory, manifest)
        self.quantizer = (faiss.extract_index_ivf(self.segments[0].index).quantizer
                          if self.kind == "ivf" and self.segments else None)
        self.nlist = (faiss.extract_index_ivf(self.segments[0].index).nlist
                      if self.quantizer is not None else 0)
        self.nprobe = vectors.ivf_probes(self.nlist) if self.nlist else 0

    @property
    def ntotal(self) -> int:
        return sum(int(s.index.ntotal) for s in self.segments) - len(self.dead)

    def ids(self) -> np.ndarray:
        """Every live id (sorted)."""
        every = [vectors.index_ids(s.index) for s in self.segments]
        held = np.sort(np.concatenate(every)) if every else np.zeros(0, dtype=np.int64)
        return held[~np.isin(held, self.dead)] if len(self.dead) else held

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        out = np.zeros((len(ids), vectors.DIMENSION), dtype=np.float32)
        for seg in self.segments:
            mask = seg.holds(ids)
            if mask.any():
                out[mask] = vectors.reconstruct(seg.index, ids[mask])
        return out

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
               threads: int = 1) -> VectorHits:
        """Top-k live ids by cosine; `allowed` restricts the search to those (live) ids."""
        vectors.set_threads(threads if self.kind == "ivf" else 1)
        empty = VectorHits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if self.ntotal <= 0 or k <= 0 or (allowed is not None and not len(allowed)):
            return empty
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        nprobe = self.nprobe
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=np.int64)
            if len(allowed) <= vectors.EXACT_FILTER_MAX:
                return self._exact_subset(query[0], allowed, k)
            selector = faiss.IDSelectorBatch(allowed)
            nprobe = max(nprobe, self.nlist // 4)
        elif len(self.dead):
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(self.dead))
        else:
            selector = None
        if self.kind == "ivf":
            coarse_scores, coarse = self.quantizer.search(query, nprobe)
            params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)
            parts = [_search_preassigned(seg.index, query, k, coarse, coarse_scores, params)
                     for seg in self.segments]
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
            parts = [seg.index.search(query, min(k, max(1, seg.index.ntotal)), params=params)
                     for seg in self.segments]
        scores = np.concatenate([p[0][0] for p in parts])
        ids = np.concatenate([p[1][0] for p in parts])
        keep = ids >= 0
        scores, ids = scores[keep], ids[keep]
        order = np.lexsort((ids, -scores))[:k]
        return VectorHits(ids[order], scores[order].astype(np.float32))

    def _exact_subset(self, query: np.ndarray, allowed: np.ndarray, k: int) -> VectorHits:
        scores = self.reconstruct(allowed) @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return VectorHits(allowed[order], scores[order].astype(np.float32))


def _search_preassigned(index: faiss.Index, query: np.ndarray, k: int, coarse: np.ndarray,
                        coarse_scores: np.ndarray,
                        params: faiss.SearchParametersIVF) -> tuple[np.ndarray, np.ndarray]:
    """IndexIVF.search_preassigned with search parameters (an id selector, nprobe), which the
    Python wrapper refuses but the C++ call takes."""
    ivf = faiss.extract_index_ivf(index)
    scores = np.empty((1, k), dtype=np.float32)
    ids = np.empty((1, k), dtype=np.int64)
    coarse = np.ascontiguousarray(coarse, dtype=np.int64)
    coarse_scores = np.ascontiguousarray(coarse_scores, dtype=np.float32)
    ivf.search_preassigned_c(1, faiss.swig_ptr(query), k, faiss.swig_ptr(coarse),
                             faiss.swig_ptr(coarse_scores), faiss.swig_ptr(scores),
                             faiss.swig_ptr(ids), False, params)
    return scores, ids
