"""Where capped listings stopped, and items that keep failing (migration 013).

Saves are idempotent upserts keyed by source (and URL); reads are named queries.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from pydantic import BaseModel

from warehouse.records import FetchError


class Cursor(BaseModel):
    """A listing that stopped at its cap: the next run lists from `since` again, at `next_start`."""

    source: str
    since: datetime | None
    next_start: int
    total: int = 0
    high: datetime | None = None


class ItemFailure(BaseModel):
    source: str
    url: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    last_error: str
    quarantined_at: datetime | None = None


def load_cursor(con: duckdb.DuckDBPyConnection, source: str) -> Cursor | None:
    row = con.execute("SELECT source, since, next_start, total, high FROM source_cursor"
                      " WHERE source = ?", [source]).fetchone()
    if row is None:
        return None
    return Cursor(**dict(zip(("source", "since", "next_start", "total", "high"), row,
                             strict=True)))


def save_cursor(con: duckdb.DuckDBPyConnection, cursor: Cursor) -> None:
    con.execute("INSERT OR REPLACE INTO source_cursor VALUES (?, ?, ?, ?, ?, ?)",
                [cursor.source, cursor.since, cursor.next_start, cursor.total, cursor.high,
                 datetime.now(UTC)])


def clear_cursor(con: duckdb.DuckDBPyConnection, source: str) -> None:
    con.execute("DELETE FROM source_cursor WHERE source = ?", [source])


def record_item_failures(con: duckdb.DuckDBPyConnection, source: str, errors: list[FetchError],
                         quarantine_after: int, now: datetime | None = None) -> set[str]:
    """Count one more failed attempt per item; return the URLs quarantined (now or before)."""
    now = now or datetime.now(UTC)
    for error in {e.url: e for e in errors if e.item and e.url}.values():
        con.execute(
            "INSERT INTO item_failures VALUES (?, ?, 1, ?, ?, ?, NULL)"
            " ON CONFLICT (source, url) DO UPDATE SET attempts = item_failures.attempts + 1,"
            " last_failed_at = excluded.last_failed_at, last_error = excluded.last_error",
            [source, error.url, now, now, error.reason[:1000]])
    con.execute("UPDATE item_failures SET quarantined_at = ? WHERE source = ?"
                " AND quarantined_at IS NULL AND attempts >= ?", [now, source, quarantine_after])
    return set(quarantined_urls(con, source))


def clear_item_failures(con: duckdb.DuckDBPyConnection, source: str, urls: list[str]) -> None:
    """Items that landed (stored or unchanged) are no longer failing."""
    if urls:
        con.execute("DELETE FROM item_failures WHERE source = ? AND list_contains(?, url)",
                    [source, urls])


def quarantined_urls(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    rows = con.execute("SELECT url FROM item_failures WHERE source = ? AND quarantined_at IS NOT"
                       " NULL ORDER BY url", [source]).fetchall()
    return [url for (url,) in rows]


def pending_urls(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """Items that failed but are not (yet) quarantined: retried by every run."""
    rows = con.execute("SELECT url FROM item_failures WHERE source = ? AND quarantined_at IS"
                       " NULL ORDER BY url", [source]).fetchall()
    return [url for (url,) in rows]


def item_failures(con: duckdb.DuckDBPyConnection) -> list[ItemFailure]:
    rows = con.execute("SELECT source, url, attempts, first_failed_at, last_failed_at,"
                       " last_error, quarantined_at FROM item_failures ORDER BY source, url")
    fields = tuple(ItemFailure.model_fields)
    return [ItemFailure(**dict(zip(fields, row, strict=True))) for row in rows.fetchall()]
