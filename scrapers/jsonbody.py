"""JSON response bodies for the API sources. Pure."""

from __future__ import annotations

import json
from typing import Any

from scrapers.errors import ParseError


def load_json_object(raw: bytes, what: str) -> dict[str, Any]:
    """Decode a JSON object, or raise ParseError saying what the bytes were instead."""
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise ParseError(f"{what}: empty response body")
    if head.startswith(b"<"):
        raise ParseError(f"{what}: expected JSON, got HTML or XML (starts {head[:40]!r})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(f"{what}: body is not UTF-8 ({error.reason})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        at_end = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated")
        hint = " (truncated?)" if at_end else ""
        raise ParseError(f"{what}: invalid JSON{hint}: {error.msg} at char {error.pos}") from error
    if not isinstance(data, dict):
        raise ParseError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


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
