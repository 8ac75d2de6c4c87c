"""The FAISS index over chunk vectors: exact below a size threshold, IVF above it.

Vectors are L2-normalised, so inner product is cosine. Every vector carries a 64-bit id (the
chunk's `vid` in the replica), so the index is updated in place: stale ids removed, new ones added.
Writes are atomic (temp file, then rename).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

DIMENSION = 384
# Below this many vectors, exact search (IndexFlatIP); above, IVF (IndexIVFFlat: exact vectors,
# so no refine step, and segments merge by reconstructing them: vector_publish.py). bench/search.py
# measures both sizes; see README "Search performance".
EXACT_MAX_VECTORS = 200_000
# Lists visited per query: a share of the lists, at least IVF_MIN_PROBES. Chosen on the TUNING
# queries of bench/search.py at 1M chunks (4,000 lists; derived vectors: sums of random real
# sentence embeddings, little cluster structure, a hard case for IVF): recall@10 0.88 at 200
# lists, 0.93 at 400, 0.95 at 600, 0.96 at 800, 0.98 at 1,200, so 800. One query's lists are
# scanned by two threads when it is the only search running (parallel_mode 1): 800 lists p95
# 25 ms vs 41 ms on one thread. Recall at a given share falls with size (at 20k: 0.84 at 10 %),
# hence a floor rather than a share alone.
IVF_PROBE_SHARE = 0.1
IVF_MIN_PROBES = 800
KMEANS_ITERATIONS = 12  # faiss' default is 25; the lists barely move after ~10
THREADS = 2
# A filtered search over at most this many allowed vectors is exact (brute force over them).
EXACT_FILTER_MAX = 20_000


@dataclass(frozen=True)
class VectorHits:
    ids: np.ndarray  # int64, best first; -1 padding removed
    scores: np.ndarray  # float32 cosine


def set_threads(threads: int = THREADS) -> None:
    """OpenMP threads for FAISS calls made from the calling thread (libgomp keeps this per
    thread once set, so concurrent searches each choose their own)."""
    faiss.omp_set_num_threads(threads)


def index_kind(index: faiss.Index) -> str:
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    return "ivf" if isinstance(inner, faiss.IndexIVF) else (
        "hnsw" if isinstance(inner, faiss.IndexHNSW) else "exact")


def ivf_lists(count: int) -> int:
    """About 4 * sqrt(n) inverted lists, at least 64."""
    return max(64, int(4 * math.sqrt(count)))


def ivf_probes(nlist: int) -> int:
    return min(nlist, max(IVF_MIN_PROBES, round(nlist * IVF_PROBE_SHARE)))


def build_index(ids: np.ndarray, vectors: np.ndarray, *, kind: str | None = None,
                nlist: int | None = None, seed: int = 7) -> faiss.Index:
    """A fresh index over the vectors: exact (Flat) or IVF, by size unless `kind` says."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    kind = kind or ("exact" if len(ids) <= EXACT_MAX_VECTORS else "ivf")
    if kind == "exact":
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(DIMENSION))
    elif kind == "ivf":
        lists = nlist or ivf_lists(len(ids))
        quantizer = faiss.IndexFlatIP(DIMENSION)
        index = faiss.IndexIVFFlat(quantizer, DIMENSION, lists, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = KMEANS_ITERATIONS
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(len(vectors), min(len(vectors), lists * 40), replace=False)]
        index.train(sample)
        index.nprobe = ivf_probes(lists)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    if len(ids):
        index.add_with_ids(vectors, ids)
    return index


def update_index(index: faiss.Index, remove: np.ndarray, add_ids: np.ndarray,
                 add_vectors: np.ndarray) -> None:
    """Remove stale ids and add new vectors, in place."""
    if len(remove):
        index.remove_ids(np.ascontiguousarray(remove, dtype=np.int64))
    if len(add_ids):
        index.add_with_ids(np.ascontiguousarray(add_vectors, dtype=np.float32),
                           np.ascontiguousarray(add_ids, dtype=np.int64))


# Retrain the IVF lists (a full vector rebuild) when, since they were trained, the index grew
# RETRAIN_GROWTH times (too few lists for its size), the largest lists grew out of proportion
# (faiss' imbalance factor RETRAIN_IMBALANCE times its value after training: probes read more),
# or the vectors added sit further from their centroids than the training vectors did (mean
# inner product with the nearest centroid down by RETRAIN_SCORE_DROP: new topics the lists do
# not describe), measured once at least RETRAIN_MIN_SHARE of the trained count was added.
RETRAIN_GROWTH = 4.0
RETRAIN_IMBALANCE = 1.5
RETRAIN_SCORE_DROP = 0.05
RETRAIN_MIN_SHARE = 0.01
_PROFILE_SAMPLE = 20_000


def centroid_scores(index: faiss.Index, x: np.ndarray) -> np.ndarray:
    """Each vector's inner product with its nearest IVF centroid (its quantisation quality)."""
    ivf = faiss.extract_index_ivf(index)
    scores, _ = ivf.quantizer.search(np.ascontiguousarray(x, dtype=np.float32), 1)
    return scores[:, 0]


def training_profile(index: faiss.Index, vectors: np.ndarray, seed: int = 7) -> dict:
    """The drift baseline of a freshly trained index (empty for an exact one)."""
    if index_kind(index) != "ivf":
        return {}
    rng = np.random.default_rng(seed)
    sample = vectors[rng.choice(len(vectors), min(len(vectors), _PROFILE_SAMPLE), replace=False)]
    return {"vectors": int(index.ntotal),
            "score": round(float(centroid_scores(index, sample).mean()), 6),
            "imbalance": round(float(faiss.extract_index_ivf(index).invlists.imbalance_factor()),
                               6),
            "added": 0, "added_score_sum": 0.0}


def track_drift(index: faiss.Index, training: dict, added: np.ndarray) -> dict:
    """The profile updated with the vectors just added."""
    if index_kind(index) != "ivf" or not training or not len(added):
        return training
    return {**training, "added": training["added"] + len(added),
            "added_score_sum": training["added_score_sum"] + float(
                centroid_scores(index, added).sum())}


def drift(index: faiss.Index, training: dict) -> dict:
    """Growth, imbalance ratio and centroid-score drop since training."""
    return drift_from(index.ntotal, faiss.extract_index_ivf(index).invlists.imbalance_factor(),
                      training)


def drift_from(count: int, imbalance_factor: float, training: dict) -> dict:
    """The same measures from the vector count and the lists' imbalance factor (vector
    segments sum their list sizes: vector_publish.py)."""
    added = training.get("added", 0)
    return {"growth": count / max(1, training["vectors"]),
            "imbalance_ratio": imbalance_factor / training["imbalance"],
            "score_drop": (training["score"] - training["added_score_sum"] / added) if (
                added >= RETRAIN_MIN_SHARE * training["vectors"]) else 0.0}


def drift_exceeds(measured: dict) -> bool:
    return (measured["growth"] > RETRAIN_GROWTH
            or measured["imbalance_ratio"] > RETRAIN_IMBALANCE
            or measured["score_drop"] > RETRAIN_SCORE_DROP)


def needs_retraining(index: faiss.Index, training: dict) -> bool:
    if index_kind(index) != "ivf" or not training:
        return False
    return drift_exceeds(drift(index, training))


def index_ids(index: faiss.Index) -> np.ndarray:
    """Every id the index holds (sorted)."""
    if isinstance(index, faiss.IndexIDMap):
        return np.sort(faiss.vector_to_array(index.id_map).astype(np.int64))
    ivf = faiss.extract_index_ivf(index)
    invlists = ivf.invlists
    parts = [faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
             for i in range(ivf.nlist) if invlists.list_size(i)]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def search(index: faiss.Index, query: np.ndarray, k: int,
           allowed: np.ndarray | None = None, threads: int = 1) -> VectorHits:
    """Top-k ids by cosine; `allowed` restricts the search to those ids. `threads` scan an IVF
    index's lists in parallel (the caller knows whether other searches are running); an exact
    index searches on one (two were slower for one query: 100k chunks p50 23 vs 18 ms)."""
    set_threads(threads if index_kind(index) == "ivf" else 1)
    if index.ntotal == 0 or k <= 0:
        return VectorHits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
    params = None
    if allowed is not None:
        if not len(allowed):
            return VectorHits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if len(allowed) <= EXACT_FILTER_MAX:
            return _exact_subset(index, query[0], np.asarray(allowed, dtype=np.int64), k)
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        if index_kind(index) == "ivf":
            nlist = faiss.extract_index_ivf(index).nlist
            params = faiss.SearchParametersIVF(sel=selector, nprobe=max(ivf_probes(nlist),
                                                                        nlist // 4))
        else:
            params = faiss.SearchParameters(sel=selector)
    scores, ids = index.search(query, min(k, index.ntotal), params=params)
    keep = ids[0] >= 0
    return VectorHits(ids[0][keep], scores[0][keep])


def _exact_subset(index: faiss.Index, query: np.ndarray, allowed: np.ndarray,
                  k: int) -> VectorHits:
    scores = reconstruct(index, allowed) @ query
    order = np.argsort(-scores, kind="stable")[:k]
    return VectorHits(allowed[order], scores[order].astype(np.float32))


def reconstruct(index: faiss.Index, ids: np.ndarray) -> np.ndarray:
    if not len(ids):
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))


def write_index(index: faiss.Index, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)


def read_index(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if index_kind(index) == "ivf":
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = ivf_probes(ivf.nlist)
        ivf.parallel_mode = 1  # one query: its lists split over the threads
    return index
