"""The outbox's ledger: how one send's states are written to its table (digest_runs or
alert_deliveries), so delivery/outbox.py records every channel's sends the same way.

A row is only ever moved forward from a state that is not 'sent'; see
warehouse/delivery_state.py for the states.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import duckdb

from warehouse.delivery_state import SENDING, SENT, OutboxRow

_KEYS = {
    "digest_runs": "profile = ? AND day = CAST(? AS DATE) AND recipient = ?",
    "alert_deliveries": "alert_key = ? AND channel = ? AND recipient = ?",
}


class Ledger:
    """The rows of one table, as the outbox writes them (`now`: the run's time)."""

    def __init__(self, con: duckdb.DuckDBPyConnection,
                 table: Literal["digest_runs", "alert_deliveries"], *, now: datetime) -> None:
        self._con, self._table, self._where, self._now = con, table, _KEYS[table], now

    def mark_sending(self, row: OutboxRow, *, attempts: int, repeat: bool) -> None:
        """Handed over now: from here the outcome is uncertain until it is recorded. Counts
        `attempts` (one per run) and, for a possible repeat, the repeat."""
        self._con.execute(
            f"UPDATE {self._table} SET status = ?, attempts = attempts + ?,"
            f" repeats = coalesce(repeats, 0) + ?, possible_repeat = coalesce(possible_repeat,"
            f" false) OR ?, updated_at = ? WHERE {self._where} AND status <> 'sent'",
            [SENDING, attempts, int(repeat), repeat, self._now, *row.key])

    def mark_outcome(self, row: OutboxRow, *, status: str, error: str = "",
                     attempts: int = 0) -> None:
        """'sent', 'failed' or 'unknown', with the (already redacted) reason."""
        self._con.execute(
            f"UPDATE {self._table} SET status = ?, attempts = attempts + ?, error = ?,"
            f" updated_at = ?, sent_at = CASE WHEN ? THEN ? ELSE sent_at END"
            f" WHERE {self._where} AND status <> 'sent'",
            [status, attempts, error[:2000], self._now, status == SENT, self._now, *row.key])
