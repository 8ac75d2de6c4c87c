"""What every replayed host answers with: (status, content type, body)."""

from __future__ import annotations

import json
from typing import Any

Reply = tuple[int, str, bytes]  # status, content type, body

JSON_TYPE = "application/json; charset=utf-8"
NOT_FOUND: Reply = (404, "text/plain; charset=utf-8", b"not in snapshot\n")


def json_reply(body: Any, status: int = 200) -> Reply:
    return status, JSON_TYPE, json.dumps(body).encode("utf-8")
