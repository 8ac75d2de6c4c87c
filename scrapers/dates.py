"""Timestamps from source payloads to timezone-aware datetimes. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from warehouse.text import UK as LONDON

_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")  # .NET writes 7 fractional digits
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_TEXT_DATE = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\s+(\d{4})"
    r"(?:[^0-9]{0,12}?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?)?", re.IGNORECASE)


def parse_timestamp(value: object, *, naive_zone: ZoneInfo = LONDON) -> datetime | None:
    """An ISO 8601 date or datetime as an aware datetime; naive values are read in `naive_zone`.

    Also reads dd/mm/yyyy (360Giving spreadsheets). Missing, empty or malformed values give None:
    a bad date never sinks a whole record.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = _LONG_FRACTION.sub(r"\1", value.strip())
        uk = _UK_DATE.match(text)
        try:
            parsed = (datetime(int(uk.group(3)), int(uk.group(2)), int(uk.group(1))) if uk
                      else datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return None
    else:
        return None
    if parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=naive_zone)
    return parsed


def parse_text_date(text: str, *, naive_zone: ZoneInfo = LONDON) -> datetime | None:
    """The first written date in `text`, e.g. "Friday 09 May 2025", "14 May 2024 4:00pm UK time".

    Without a time of day it is midnight; times are read as UK local time.
    """
    for match in _TEXT_DATE.finditer(text or ""):
        day, month_name, year, hour, minute, meridiem = match.groups()
        month = next((n for m, n in _MONTHS.items() if m.startswith(month_name.lower())), None)
        if month is None:
            continue
        h = int(hour) if hour and meridiem else 0
        if meridiem:
            h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
        try:
            return datetime(int(year), month, int(day), h, int(minute or 0) if meridiem else 0,
                            tzinfo=naive_zone)
        except ValueError:
            continue
    return None
