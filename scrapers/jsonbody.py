"""JSON response bodies for the API sources. Pure."""

from __future__ import annotations

from typing import Any

from scrapers.errors import ParseError
from scrapers.govuk.parse import load_json_object


def load_json_any(raw: bytes, what: str) -> Any:
    """A JSON object or array; ParseError naming what the bytes were instead."""
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        wrapped = load_json_object(b'{"items": ' + stripped + b"}", what)
        return wrapped["items"]
    return load_json_object(raw, what)


def as_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ParseError(f"{what}: expected a list, got {type(value).__name__}")
    return value


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()
