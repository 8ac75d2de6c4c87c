"""The query encoder: one short search query at a time, on as few threads as possible.

Batch encoding (the enrich flow) wants every core; a search query of a few words does not. On two
shared cores torch's intra-op threads only contend with DuckDB, FAISS and each other: measured by
bench/search.py, one thread encodes a short query several times faster than two when the machine
is busy. `QueryEncoder` wraps any loaded `TextEncoder`, runs it under `torch.inference_mode` on
`threads` intra-op threads (restored afterwards, so a process that also enriches is unaffected)
and keeps a small LRU cache of recent queries (paging and "refine the filter" repeat the query).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from nlp.config import NlpConfig
from nlp.encoder import TextEncoder, load_encoder

QUERY_THREADS = 1
CACHE_SIZE = 256


class QueryEncoder:
    """A `TextEncoder` tuned for single queries; `encode_query` is cached, `encode` is not."""

    def __init__(self, encoder: TextEncoder, threads: int = QUERY_THREADS,
                 cache_size: int = CACHE_SIZE) -> None:
        self._encoder = encoder
        self._threads = threads
        self._cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self._encoder.dimension

    @property
    def version(self) -> str:
        return self._encoder.version

    def encode(self, texts: list[str]) -> np.ndarray:
        """Uncached, on the query thread budget (what a benchmark of distinct queries calls)."""
        with self._lock:
            return _limited(self._encoder, texts, self._threads)

    def encode_query(self, query: str) -> np.ndarray:
        """The query's vector; a repeated query comes from the cache (a read-only copy)."""
        key = " ".join(query.split())
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            vector = _limited(self._encoder, [key], self._threads)[0]
            vector.setflags(write=False)
            self._cache[key] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return vector


def load_query_encoder(config: NlpConfig, threads: int = QUERY_THREADS) -> QueryEncoder:
    """The configured encoder loaded for queries (see `load_encoder(for_queries=True)`)."""
    return QueryEncoder(load_encoder(config, for_queries=True), threads=threads)


def _limited(encoder: TextEncoder, texts: list[str], threads: int) -> np.ndarray:
    try:
        import torch
    except ModuleNotFoundError:  # a non-torch encoder (tests' fakes)
        return encoder.encode(texts)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with torch.inference_mode():
            return np.asarray(encoder.encode(texts), dtype=np.float32)
    finally:
        torch.set_num_threads(previous)
