"""Per-source state across runs (migration 003): health history and conditional-fetch cache.

Saves are idempotent upserts keyed by source (and URL); reads are named queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
from pydantic import BaseModel

from warehouse.records import SourceReport


class SourceState(BaseModel):
    """What Horizon remembers of one source between runs."""

    source: str
    last_run_at: datetime
    last_health: str
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str = ""
    last_listed: int = 0
    last_yield_at: datetime | None = None
    last_yield: int = 0
    consecutive_empty_runs: int = 0
    consecutive_failed_runs: int = 0
    runs: int = 0

    @property
    def used_to_yield(self) -> bool:
        return self.last_yield_at is not None


_FIELDS = tuple(SourceState.model_fields)


def load_source_states(con: duckdb.DuckDBPyConnection) -> dict[str, SourceState]:
    rows = con.execute(f"SELECT {', '.join(_FIELDS)} FROM source_state ORDER BY source")
    return {row[0]: SourceState(**dict(zip(_FIELDS, row, strict=True)))
            for row in rows.fetchall()}


def next_state(previous: SourceState | None, report: SourceReport, now: datetime) -> SourceState:
    """The state after one more run that ended with `report`. Pure."""
    listed = report.fetched
    landed = report.new + report.updated + report.unchanged
    failed = report.health == "failing"
    empty = listed == 0 and landed == 0
    base = previous or SourceState(source=report.source, last_run_at=now,
                                   last_health=report.health)
    return base.model_copy(update={
        "last_run_at": now, "last_health": report.health, "last_listed": listed,
        "last_success_at": now if landed else base.last_success_at,
        "last_error_at": now if report.errors else base.last_error_at,
        "last_error": report.errors[0][:1000] if report.errors else base.last_error,
        "last_yield_at": now if listed else base.last_yield_at,
        "last_yield": listed if listed else base.last_yield,
        "consecutive_empty_runs": base.consecutive_empty_runs + 1 if empty else 0,
        "consecutive_failed_runs": base.consecutive_failed_runs + 1 if failed else 0,
        "runs": base.runs + 1 if previous else 1,
    })


def save_source_state(con: duckdb.DuckDBPyConnection, state: SourceState) -> None:
    values = state.model_dump()
    con.execute(
        f"INSERT OR REPLACE INTO source_state ({', '.join(_FIELDS)})"
        f" VALUES ({', '.join('?' for _ in _FIELDS)})", [values[f] for f in _FIELDS])


def load_http_cache(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, dict[str, Any]]:
    rows = con.execute(
        "SELECT url, etag, last_modified, body_hash, records FROM source_http_cache"
        " WHERE source = ?", [source]).fetchall()
    return {url: {"etag": etag, "last_modified": modified, "body_hash": digest,
                  "records": records} for url, etag, modified, digest, records in rows}


def save_http_cache(con: duckdb.DuckDBPyConnection, source: str,
                    states: list[dict[str, Any]], now: datetime | None = None) -> None:
    if not states:
        return
    now = now or datetime.now(UTC)
    con.executemany(
        "INSERT OR REPLACE INTO source_http_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
        [[source, s["url"], s.get("etag") or "", s.get("last_modified") or "",
          s["body_hash"], int(s.get("records") or 0), now] for s in states])


def known_versions_everywhere(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """Canonical URL -> last change time of every stored, dated document, whichever source
    stored it (a page listed by two sources, e.g. a GOV.UK Atom entry and a Search API hit,
    is one)."""
    rows = con.execute(
        "SELECT url, coalesce(updated_at, published_at) AS changed FROM documents"
        " WHERE changed IS NOT NULL").fetchall()
    return {url: changed for url, changed in rows}


def stored_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("SELECT source, count(*) FROM documents GROUP BY source").fetchall()
    return {source: count for source, count in rows}


def stored_versions(con: duckdb.DuckDBPyConnection,
                    urls: list[str]) -> dict[str, tuple[str, datetime | None]]:
    """Canonical URL -> (source that stored it, its last change time), for the given URLs."""
    if not urls:
        return {}
    rows = con.execute(
        "SELECT url, source, coalesce(updated_at, published_at) FROM documents"
        " WHERE list_contains(?, url)", [urls]).fetchall()
    return {url: (source, changed) for url, source, changed in rows}
