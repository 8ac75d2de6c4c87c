"""Timestamps from source payloads to timezone-aware datetimes. Pure."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def parse_timestamp(value: object, *, naive_zone: ZoneInfo = LONDON) -> datetime | None:
    """An ISO 8601 date or datetime as an aware datetime; naive values are read in `naive_zone`.

    Missing, empty or malformed values give None: a bad date never sinks a whole record.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=naive_zone)
    return parsed
