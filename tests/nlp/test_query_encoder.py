from __future__ import annotations

import numpy as np
import torch

from nlp.query_encoder import QueryEncoder


class CountingEncoder:
    dimension = 4
    version = "counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.threads_seen: list[int] = []
        self.grad_seen: list[bool] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.threads_seen.append(torch.get_num_threads())
        self.grad_seen.append(torch.is_grad_enabled())
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32)


def test_query_encoder_repeated_query_is_served_from_cache() -> None:
    inner = CountingEncoder()
    encoder = QueryEncoder(inner)
    first = encoder.encode_query("bus  franchising")
    second = encoder.encode_query(" bus franchising ")
    assert inner.calls == [["bus franchising"]]
    assert np.array_equal(first, second) and not second.flags.writeable


def test_query_encoder_cache_evicts_least_recent() -> None:
    inner = CountingEncoder()
    encoder = QueryEncoder(inner, cache_size=2)
    for query in ("a", "b", "a", "c", "b"):
        encoder.encode_query(query)
    assert [call[0] for call in inner.calls] == ["a", "b", "c", "b"]


def test_query_encoder_runs_on_its_threads_and_restores_them() -> None:
    inner = CountingEncoder()
    before = torch.get_num_threads()
    QueryEncoder(inner, threads=1).encode(["x", "y"])
    assert inner.threads_seen == [1] and inner.grad_seen == [False]
    assert torch.get_num_threads() == before


def test_query_encoder_encode_is_uncached() -> None:
    inner = CountingEncoder()
    encoder = QueryEncoder(inner)
    encoder.encode(["q"])
    encoder.encode(["q"])
    assert len(inner.calls) == 2 and encoder.dimension == 4
