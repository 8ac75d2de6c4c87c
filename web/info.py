"""GET /api/info: which warehouse and profile this server searches, so `horizon search` can
tell whether a running `horizon web` answers for the same warehouse (flows/cli/search_remote.py).
The warehouse is named by a digest of its resolved path, not the path itself."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fastapi is imported only by the server, not by `horizon search`
    from fastapi import APIRouter


def warehouse_key(db_path: Path) -> str:
    return hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:16]


def info_router(db_path: Path, profile: str) -> APIRouter:
    from fastapi import APIRouter

    router = APIRouter()
    key = warehouse_key(db_path)

    @router.get("/api/info")
    def api_info() -> dict[str, str]:
        """The warehouse (a digest of its path) and the default profile of this server."""
        return {"warehouse": key, "profile": profile}

    return router
