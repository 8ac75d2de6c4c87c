"""Open what a brief needs (warehouse read-only, search index, profile, config, encoder) once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

from delivery.brief.config import BriefConfig, load_brief_config
from delivery.brief.model import Brief
from delivery.brief.retrieve import BriefRequest, Encoder, make_brief
from warehouse.config.profiles import load_profile
from warehouse.db import connect
from warehouse.search.engine import Searcher

QUERY_THREADS = 2  # threads of the encoder a brief is given (its query and passage encodings)


class WarehouseBusy(RuntimeError):
    """A run holds the warehouse for writing; a brief can be asked for again when it ends."""


class SentenceCache:
    """Sentence vectors kept between briefs (documents recur across topics), bounded."""

    def __init__(self, encoder: Encoder, size: int = 50_000) -> None:
        self._encoder, self._size = encoder, size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.version = encoder.version

    def encode_query(self, query: str) -> np.ndarray:
        return self._encoder.encode_query(query)

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self._encoder.encode(missing)
            with self._lock:
                self._vectors.update(zip(missing, fresh, strict=True))
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        with self._lock:
            found = [self._vectors.get(t) for t in texts]
        if any(v is None for v in found):  # evicted meanwhile by a very large brief
            return self._encoder.encode(texts)
        return np.stack(found)


@dataclass
class BriefService:
    db_path: Path
    config_dir: Path
    encoder: Encoder
    searcher: Searcher | None = None
    config: BriefConfig | None = None

    def __post_init__(self) -> None:
        self.encoder = SentenceCache(self.encoder)
        self.searcher = self.searcher or Searcher(self.db_path)
        self.config = self.config or load_brief_config(self.config_dir)

    def brief(self, request: BriefRequest, profile: str, now: datetime | None = None) -> Brief:
        loaded = load_profile(self.config_dir, profile)
        try:
            con = connect(self.db_path, read_only=True)
        except duckdb.IOException as error:
            raise WarehouseBusy(f"{self.db_path} is being written by a run; ask again when it "
                                "finishes") from error
        with con:
            return make_brief(request, con=con, searcher=self.searcher, encoder=self.encoder,
                              profile=loaded, config=self.config, now=now)
