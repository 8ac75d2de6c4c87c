from __future__ import annotations

import numpy as np
import pytest

from warehouse.search import vectors

DIM = vectors.DIMENSION


def clustered(count: int, seed: int = 1, centres: int = 300) -> np.ndarray:
    """Unit vectors around random centres, like chunk embeddings of a corpus of topics."""
    rng = np.random.default_rng(seed)
    middle = rng.normal(size=(centres, DIM)).astype(np.float32)
    points = middle[rng.integers(0, centres, count)] + rng.normal(
        0, 0.6, (count, DIM)).astype(np.float32)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def corpus() -> tuple[np.ndarray, np.ndarray]:
    data = clustered(8_000)
    return np.arange(1_000, 1_000 + len(data), dtype=np.int64), data


@pytest.fixture(scope="module")
def ivf(corpus: tuple[np.ndarray, np.ndarray]):
    ids, data = corpus
    return vectors.build_index(ids, data, kind="ivf")


def exact_top(ids: np.ndarray, data: np.ndarray, query: np.ndarray, k: int = 10) -> np.ndarray:
    return ids[np.argsort(-(data @ query), kind="stable")[:k]]


def test_search_vectors_ivf_recall_at_10_against_exact_is_at_least_095(corpus, ivf) -> None:
    ids, data = corpus
    queries = clustered(50, seed=2)
    recall = np.mean([len(set(vectors.search(ivf, q, 10).ids) &
                          set(exact_top(ids, data, q))) / 10 for q in queries])
    assert vectors.index_kind(ivf) == "ivf"
    assert recall >= 0.95


def test_search_vectors_ivf_default_probes_scale_with_lists(corpus, ivf) -> None:
    nlist = vectors.ivf_lists(len(corpus[0]))
    assert faiss_ivf(ivf).nlist == nlist
    assert faiss_ivf(ivf).nprobe == vectors.ivf_probes(nlist)
    assert vectors.ivf_probes(64) == 64  # a small index visits every list
    assert vectors.ivf_probes(vectors.ivf_lists(1_000_000)) == 800  # the floor, 20% of 4,000
    assert vectors.ivf_probes(vectors.ivf_lists(16_000_000)) == 1600  # 10% of 16,000


def test_search_vectors_ivf_removes_and_adds_in_place(corpus) -> None:
    ids, data = corpus
    index = vectors.build_index(ids[:5_000], data[:5_000], kind="ivf", nlist=64)
    query = data[10]
    assert vectors.search(index, query, 1).ids[0] == ids[10]
    vectors.update_index(index, ids[10:11], np.array([99], dtype=np.int64), data[10:11])
    hits = vectors.search(index, query, 5).ids
    assert hits[0] == 99 and ids[10] not in hits
    assert index.ntotal == 5_000


@pytest.mark.parametrize("exact_filter_max", [1_000_000, 100])  # brute force, then selector
def test_search_vectors_filtered_search_returns_only_allowed_ids(
        corpus, ivf, monkeypatch, exact_filter_max: int) -> None:
    monkeypatch.setattr(vectors, "EXACT_FILTER_MAX", exact_filter_max)
    ids, data = corpus
    allowed = ids[::4]
    hits = vectors.search(ivf, data[1], 20, allowed)
    assert len(hits.ids) == 20 and set(hits.ids) <= set(allowed.tolist())
    assert hits.ids[0] == exact_top(allowed, data[allowed - ids[0]], data[1], 1)[0]


def test_search_vectors_reread_index_keeps_its_probes(corpus, ivf, tmp_path) -> None:
    path = tmp_path / "v.faiss"
    vectors.write_index(ivf, path)
    again = vectors.read_index(path)
    assert faiss_ivf(again).nprobe == faiss_ivf(ivf).nprobe
    query = corpus[1][3]
    assert list(vectors.search(again, query, 10).ids) == list(vectors.search(ivf, query, 10).ids)


def faiss_ivf(index):
    import faiss

    return faiss.extract_index_ivf(index)
