"""`horizon search` through a running `horizon web`: its model and index are already warm.

The server is used only when it answers on loopback at once and says (GET /api/info) that it
searches the same warehouse; anything else (nothing listening, another warehouse, an error, a
token refused) falls back to searching in-process. Standard library only: no import cost.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CONNECT_SECONDS = 0.5  # a server on loopback answers /api/info in milliseconds
SEARCH_SECONDS = 10.0


@dataclass
class Answer:
    results: list[dict]
    strong_match: bool
    below_floor: int
    took_ms: float


def _get(url: str, token: str | None, timeout: float) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # loopback only
        return json.loads(response.read().decode("utf-8"))


def search_via_web(db: Path, port: int, params: list[tuple[str, str]],
                   token: str | None = None) -> Answer | None:
    """The server's answer for these /api/search parameters, or None to search locally."""
    from web.info import warehouse_key

    base = f"http://127.0.0.1:{port}"
    try:
        info = _get(f"{base}/api/info", token, CONNECT_SECONDS)
        if info.get("warehouse") != warehouse_key(db):
            return None
        body = _get(f"{base}/api/search?{urllib.parse.urlencode(params)}", token,
                    SEARCH_SECONDS)
    except (OSError, urllib.error.URLError, ValueError):
        return None
    return Answer(results=body["results"], strong_match=body.get("strong_match", True),
                  below_floor=body.get("below_floor", 0), took_ms=body.get("took_ms", 0.0))
