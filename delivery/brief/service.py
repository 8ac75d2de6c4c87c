"""Open what a brief needs (warehouse read-only, search index, profile, config, encoder) once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from delivery.brief.config import BriefConfig, load_brief_config
from delivery.brief.model import Brief
from delivery.brief.retrieve import BriefRequest, Encoder, make_brief
from warehouse.db import connect
from warehouse.profiles import load_profile
from warehouse.search.engine import Searcher


class WarehouseBusy(RuntimeError):
    """A run holds the warehouse for writing; a brief can be asked for again when it ends."""


@dataclass
class BriefService:
    db_path: Path
    config_dir: Path
    encoder: Encoder
    searcher: Searcher | None = None
    config: BriefConfig | None = None

    def __post_init__(self) -> None:
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
