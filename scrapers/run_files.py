"""The files scrapers/crawl.py writes for a spider run, read back by the spider. Pure reads.

- `known`: canonical URL -> ISO update time of what is already stored
- `retry` / `skip`: JSON lists (base paths to fetch directly; quarantined canonical URLs)
- `http_cache`: URL -> {etag, last_modified, body_hash, records} from the last run
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapers.dates import parse_timestamp
from warehouse.records import canonical_url


def load_retry(path: str | Path | None) -> list[str]:
    if not path:
        return []
    return [str(p) for p in json.loads(Path(path).read_text(encoding="utf-8"))]


def load_known(path: str | Path | None) -> dict[str, datetime]:
    """The `known` file: canonical URL -> ISO updated_at of what is already stored."""
    if not path:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    known = {canonical_url(url): parse_timestamp(stamp) for url, stamp in data.items()}
    return {url: stamp for url, stamp in known.items() if stamp is not None}


def load_http_cache(path: str | Path | None) -> dict[str, dict[str, Any]]:
    """The `http_cache` file: URL -> {etag, last_modified, body_hash, records} from the last run."""
    if not path:
        return {}
    return json.loads(Path(path).read_text(encoding="utf-8"))
