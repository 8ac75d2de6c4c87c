"""Writing a generation's vector segments (vector_set.py describes them).

An incremental publish reads only the new chunks' vectors, the quantizer (IVF) and the small
deltas it merges: memory is the day's vectors plus a fixed working set, whatever the archive's
size. A full rebuild (none published, the kind changes, or the lists drifted) trains on a sample
and adds the vectors in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from warehouse.search import segments, vectors
from warehouse.search.vector_set import read_dead, segment_path

# Retrain (a full rebuild) once this share of the segments' vectors are tombstones.
RETRAIN_DEAD_SHARE = 0.3

# (first_vid) -> batches of (vids, vectors) of the chunks with vid >= first_vid, in vid order.
VectorReader = Callable[[int], Iterator[tuple[np.ndarray, np.ndarray]]]
# (rows) -> a uniform random sample of that many vectors.
VectorSampler = Callable[[int], np.ndarray]


@dataclass
class VectorPublish:
    kind: str
    segments: list[dict]
    dead: str | None
    quantizer: str | None
    list_sizes: str | None  # IVF: vectors written per list, every segment summed (drift)
    training: dict
    rebuilt: bool
    added: int
    merged: int = 0


def _empty_like(quantizer: faiss.Index | None) -> faiss.Index:
    """An empty segment on the trained lists (IVF) or an exact one."""
    if quantizer is None:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.DIMENSION))
    index = faiss.IndexIVFFlat(quantizer, vectors.DIMENSION, quantizer.ntotal,
                               faiss.METRIC_INNER_PRODUCT)
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    return index


def _write(index: faiss.Index, directory: Path, name: str) -> None:
    vectors.write_index(index, segment_path(directory, name))


def list_sizes(index: faiss.Index) -> np.ndarray:
    inv = faiss.extract_index_ivf(index).invlists
    return np.array([inv.list_size(i) for i in range(inv.nlist)], dtype=np.int64)


def imbalance(sizes: np.ndarray) -> float:
    """faiss' imbalance factor: 1 when every list is the same size."""
    total = sizes.sum()
    return float(len(sizes) * (sizes.astype(np.float64) ** 2).sum() / total ** 2) if total else 1.0


def full(directory: Path, generation: int, kind: str, read: VectorReader,
         sample: VectorSampler, count: int) -> VectorPublish:
    """One base segment over every vector (trained on a sample for IVF)."""
    name = f"v{generation:06d}_000"
    quantizer_name = None
    if kind == "ivf":
        lists = vectors.ivf_lists(count)
        trainer = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.DIMENSION), vectors.DIMENSION,
                                     lists, faiss.METRIC_INNER_PRODUCT)
        trainer.cp.niter = vectors.KMEANS_ITERATIONS
        trainer.train(np.ascontiguousarray(sample(min(count, lists * 40)), dtype=np.float32))
        quantizer = trainer.quantizer
        quantizer_name = f"v{generation:06d}_q"
        vectors.write_index(quantizer, segment_path(directory, quantizer_name))
        index = _empty_like(quantizer)
    else:
        quantizer = None
        index = _empty_like(None)
    top = -1
    for ids, batch in read(0):
        index.add_with_ids(batch, ids)
        top = max(top, int(ids[-1]))
    profile, sizes_name = {}, None
    if kind == "ivf":
        profile = vectors.training_profile(index, sample(min(count, 20_000)))
        sizes_name = f"vsizes-{generation:06d}.npy"
        np.save(directory / sizes_name, list_sizes(index))
    _write(index, directory, name)
    seg = {"name": name, "vectors": int(index.ntotal), "live": int(index.ntotal),
           "ranges": [[0, top + 1]]}
    return VectorPublish(kind=kind, segments=[seg], dead=None, quantizer=quantizer_name,
                         list_sizes=sizes_name, training=profile, rebuilt=True,
                         added=int(index.ntotal))


def incremental(directory: Path, generation: int, manifest: dict, read: VectorReader,
                first_new_vid: int, removed: np.ndarray, live: np.ndarray) -> VectorPublish | None:
    """The previous segments plus one of the new vectors; None when the lists need retraining
    (the caller rebuilds in full). Reads neither the base nor any segment it does not merge."""
    kind = manifest["index_kind"]
    quantizer = (vectors.read_index(directory / f"{manifest['quantizer']}.faiss")
                 if kind == "ivf" else None)
    delta = _empty_like(quantizer)
    top = first_new_vid - 1
    for ids, batch in read(first_new_vid):
        delta.add_with_ids(batch, ids)
        top = int(ids[-1])
        if quantizer is not None:
            manifest = {**manifest, "vector_training": _track(
                quantizer, manifest.get("vector_training") or {}, batch)}
    kept = [dict(s) for s in manifest["vector_segments"]]
    dead = np.union1d(read_dead(directory, manifest), removed).astype(np.int64)
    name = f"v{generation:06d}_{len(kept):03d}"
    if delta.ntotal:
        _write(delta, directory, name)
        kept.append({"name": name, "vectors": int(delta.ntotal), "live": int(delta.ntotal),
                     "ranges": [[first_new_vid, top + 1]]})
    for seg in kept:
        seg["live"] = _live_in(seg["ranges"], live)
    merged = 0
    base, deltas = kept[0], kept[1:]
    plan = segments.plan_merges([{**s, "chunks": s["vectors"]} for s in deltas])
    for number, group in enumerate(plan):
        members = [s for s in deltas if s["name"] in group]
        merged_seg, dropped = _merge(directory, f"v{generation:06d}_m{number:02d}", members,
                                     quantizer, dead)
        dead = np.setdiff1d(dead, dropped)
        deltas = [s for s in deltas if s["name"] not in group] + (
            [merged_seg] if merged_seg["vectors"] else [])
        merged += len(members)
    kept = [base, *deltas]
    training = manifest.get("vector_training") or {}
    sizes_name = None
    total = sum(s["vectors"] for s in kept)
    if len(dead) > RETRAIN_DEAD_SHARE * total:  # the base is mostly tombstones: rebuild it
        return None
    if kind == "ivf":
        sizes = np.load(directory / manifest["list_sizes"]) + list_sizes(delta)
        if training and vectors.drift_exceeds(
                vectors.drift_from(total - len(dead), imbalance(sizes), training)):
            return None
        sizes_name = f"vsizes-{generation:06d}.npy"
        np.save(directory / sizes_name, sizes)
    dead_name = None
    if len(dead):
        dead_name = f"dead-{generation:06d}.npy"
        np.save(directory / dead_name, dead)
    return VectorPublish(kind=kind, segments=kept, dead=dead_name,
                         quantizer=manifest.get("quantizer"), list_sizes=sizes_name,
                         training=training, rebuilt=False, added=int(delta.ntotal),
                         merged=merged)


def _track(quantizer: faiss.Index, training: dict, added: np.ndarray) -> dict:
    if not training or not len(added):
        return training
    scores, _ = quantizer.search(np.ascontiguousarray(added, dtype=np.float32), 1)
    return {**training, "added": training["added"] + len(added),
            "added_score_sum": training["added_score_sum"] + float(scores[:, 0].sum())}


def _live_in(ranges: list[list[int]], live: np.ndarray) -> int:
    return int(sum(np.searchsorted(live, hi) - np.searchsorted(live, lo) for lo, hi in ranges))


def _merge(directory: Path, name: str, members: list[dict], quantizer: faiss.Index | None,
           dead: np.ndarray) -> tuple[dict, np.ndarray]:
    """One segment of the members' live vectors; returns it and the tombstones it dropped."""
    out = _empty_like(quantizer)
    dropped = []
    for seg in members:
        index = vectors.read_index(segment_path(directory, seg["name"]))
        ids = vectors.index_ids(index)
        gone = np.isin(ids, dead)
        dropped.append(ids[gone])
        alive = ids[~gone]
        if len(alive):
            out.add_with_ids(vectors.reconstruct(index, alive), alive)
    if out.ntotal:
        _write(out, directory, name)
    ranges = sorted(r for seg in members for r in seg["ranges"])
    merged = {"name": name, "vectors": int(out.ntotal), "live": int(out.ntotal), "ranges": ranges}
    return merged, (np.concatenate(dropped) if dropped else np.zeros(0, dtype=np.int64))
