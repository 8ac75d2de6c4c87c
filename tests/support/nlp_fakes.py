"""A small deterministic stand-in for the sentence encoder: hashed bag of words."""

from __future__ import annotations

import re
import zlib

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
     "it", "of", "on", "or", "that", "the", "this", "to", "was", "we", "were", "will", "with"]
)


class HashingEncoder:
    """Texts sharing (stemmed) words get similar vectors; L2-normalised float32 rows."""

    def __init__(self, dimension: int = 384) -> None:
        self._dimension = dimension
        self.calls: list[int] = []  # number of texts per encode call

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def version(self) -> str:
        return f"hashing-bow-{self._dimension}"

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if word in _STOP:
                    continue
                stem = word[:-1] if len(word) > 3 and word.endswith("s") else word
                vectors[row, zlib.crc32(stem.encode()) % self._dimension] += 1.0
            vectors[row, 0] += 0.01  # no zero rows
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class SpanHashingEncoder(HashingEncoder):
    """Also gives span vectors from the same call, as the ONNX encoder does; spans ending past
    `limit_chars` get a zero row (past the token limit)."""

    def __init__(self, limit_chars: int = 10**9) -> None:
        super().__init__()
        self.limit_chars = limit_chars

    def encode_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]
                          ) -> tuple[np.ndarray, list[np.ndarray]]:
        pooled = []
        for text, row in zip(texts, spans, strict=True):
            vectors = np.zeros((len(row), self.dimension), dtype=np.float32)
            inside = [i for i, (_, end) in enumerate(row) if end <= self.limit_chars]
            if inside:
                vectors[inside] = HashingEncoder.encode(
                    self, [text[row[i][0]:row[i][1]] for i in inside])
                self.calls.pop()  # counted once below, as one pass
            pooled.append(vectors)
        return self.encode(texts), pooled
