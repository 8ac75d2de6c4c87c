"""Replaying www.gov.uk from a snapshot folder: the Content API and a synthesised Search API.

Snapshot layout: <snapshot>/govuk/content_api/**/*.json, one Content API item per file.
- A valid item is served at /api/content<base_path>. When two files share a base path, the later
  state wins (latest of public_updated_at and withdrawn_at, then file path).
- A file that is not a JSON object with a base_path ("broken": HTML, truncated JSON, ...) is
  served byte for byte at /api/content/replay-broken/<stem> and listed in search under that link,
  in every supergroup, stamped with the file's modification time.
- A file named <name>.http-<code>.json is served with that HTTP status (e.g. gone.http-503.json).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from scrapers.dates import parse_timestamp
from scrapers.govuk.config import Supergroups
from scrapers.govuk.search import CONTENT_PATH, MAX_COUNT, SEARCH_PATH
from scrapers.replay.reply import JSON_TYPE, Reply, json_reply

BROKEN_PREFIX = "/replay-broken/"
ANY_SUPERGROUP = "*"
_STATUS_IN_NAME = re.compile(r"\.http-(\d{3})$")
_ALWAYS = {"index": "govuk", "es_score": None, "elasticsearch_type": "edition",
           "document_type": "edition"}
_DEFAULT_FIELDS = ("description", "format", "link", "organisations", "public_timestamp", "title")
_FIELDS = frozenset({*_DEFAULT_FIELDS, "content_store_document_type",
                     "content_purpose_supergroup", "content_id", "is_withdrawn"})
_SORTS = frozenset({"public_timestamp", "title"})
_PARAMS = frozenset({"count", "start", "order", "fields", "fields[]", "c",
                     "filter_content_purpose_supergroup", "filter_content_store_document_type",
                     "filter_public_timestamp"})


class SearchQueryError(ValueError):
    """A query the real Search API would answer with 422."""


@dataclass(frozen=True)
class ReplayItem:
    link: str
    file: Path
    status: int = 200
    document_type: str = ""
    supergroup: str = ANY_SUPERGROUP
    fields: dict[str, Any] = field(default_factory=dict)
    public_timestamp: datetime | None = None
    withdrawn_at: datetime | None = None


def _status_of(file: Path) -> int:
    match = _STATUS_IN_NAME.search(file.stem)
    return int(match.group(1)) if match else 200


def _item_of(file: Path, supergroups: Supergroups) -> ReplayItem:
    raw = file.read_bytes()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or not str(data.get("base_path", "")).startswith("/"):
        stamp = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        link = BROKEN_PREFIX + file.stem
        return ReplayItem(link=link, file=file, status=_status_of(file), public_timestamp=stamp,
                          fields={"title": file.stem, "description": "", "format": "",
                                  "content_id": "", "organisations": [], "is_withdrawn": False})
    document_type = str(data.get("document_type") or "")
    notice = data.get("withdrawn_notice") if isinstance(data.get("withdrawn_notice"), dict) else {}
    organisations = (data.get("links") or {}).get("organisations") or []
    return ReplayItem(
        link=data["base_path"], file=file, status=_status_of(file), document_type=document_type,
        supergroup=supergroups.of(document_type),
        public_timestamp=parse_timestamp(data.get("public_updated_at")),
        withdrawn_at=parse_timestamp(notice.get("withdrawn_at")),
        fields={
            "title": data.get("title") or "", "description": data.get("description") or "",
            "format": data.get("schema_name") or "", "content_id": data.get("content_id") or "",
            "is_withdrawn": bool(data.get("withdrawn_notice")),
            "organisations": [{k: o.get(k) for k in ("title", "base_path", "content_id")}
                              for o in organisations if isinstance(o, dict)],
        },
    )


def _state_key(item: ReplayItem) -> tuple[datetime, str]:
    floor = datetime.min.replace(tzinfo=UTC)
    return max(item.public_timestamp or floor, item.withdrawn_at or floor), str(item.file)


def build_index(content_dir: Path, supergroups: Supergroups) -> dict[str, ReplayItem]:
    """Every item in a snapshot's content_api folder, by the link search lists it under."""
    index: dict[str, ReplayItem] = {}
    for file in sorted(content_dir.rglob("*.json")):
        item = _item_of(file, supergroups)
        held = index.get(item.link)
        if held is None or _state_key(item) >= _state_key(held):
            index[item.link] = item
    return index


def _one_int(query: dict[str, list[str]], name: str, default: int, top: int) -> int:
    values = query.get(name)
    if not values:
        return default
    if len(values) > 1 or not values[0].isdigit() or int(values[0]) > top:
        raise SearchQueryError(f"Invalid value for {name}: {values!r}")
    return int(values[0])


def _when(text: str, *, end_of_day: bool) -> datetime:
    parsed = datetime.fromisoformat(text.strip().replace(" ", "T"))
    if len(text.strip()) == 10 and end_of_day:
        parsed = datetime.combine(parsed.date(), time(23, 59, 59))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date_filter(values: list[str]) -> tuple[datetime | None, datetime | None]:
    if len(values) != 1:
        raise SearchQueryError("filter_public_timestamp takes one value")
    bounds: dict[str, datetime] = {}
    for part in values[0].split(","):
        key, _, text = part.partition(":")
        if key not in ("from", "to") or not text:
            raise SearchQueryError(f"Invalid date filter: {values[0]!r}")
        try:
            bounds[key] = _when(text, end_of_day=key == "to")
        except ValueError as error:
            raise SearchQueryError(f"Invalid date in filter: {text!r}") from error
    return bounds.get("from"), bounds.get("to")


def _fields(query: dict[str, list[str]]) -> tuple[str, ...]:
    names = [n for v in query.get("fields", []) + query.get("fields[]", []) for n in v.split(",")]
    unknown = sorted(set(names) - _FIELDS)
    if unknown:
        raise SearchQueryError(f"Unexpected fields (not served by replay): {', '.join(unknown)}")
    return tuple(names) or _DEFAULT_FIELDS


def _matches(item: ReplayItem, query: dict[str, list[str]],
             window: tuple[datetime | None, datetime | None]) -> bool:
    groups = query.get("filter_content_purpose_supergroup")
    if groups and item.supergroup != ANY_SUPERGROUP and item.supergroup not in groups:
        return False
    types = query.get("filter_content_store_document_type")
    if types and item.document_type not in types:
        return False
    since, until = window
    if since or until:
        stamp = item.public_timestamp
        if stamp is None or (since and stamp < since) or (until and stamp > until):
            return False
    return True


def _ordered(items: list[ReplayItem], order: str) -> list[ReplayItem]:
    name = order.lstrip("-")
    if name not in _SORTS:
        raise SearchQueryError(f"Invalid order (not served by replay): {order!r}")
    floor = datetime.min.replace(tzinfo=UTC)
    if name == "title":
        return sorted(items, key=lambda i: str(i.fields["title"]), reverse=order.startswith("-"))
    return sorted(items, key=lambda i: (i.public_timestamp or floor, i.link),
                  reverse=order.startswith("-"))


def _result(item: ReplayItem, fields: tuple[str, ...]) -> dict[str, Any]:
    values = {**item.fields, "link": item.link, "content_store_document_type": item.document_type,
              "content_purpose_supergroup": item.supergroup,
              "public_timestamp": item.public_timestamp.isoformat()
              if item.public_timestamp else None}
    return {**{name: values[name] for name in fields}, "_id": item.link, **_ALWAYS}


def search(index: dict[str, ReplayItem], query: dict[str, list[str]]) -> dict[str, Any]:
    """A Search API response body for `query`; SearchQueryError where the real API says 422."""
    unknown = sorted(set(query) - _PARAMS)
    if unknown:
        raise SearchQueryError(f"Unexpected parameters: {', '.join(unknown)}")
    count = _one_int(query, "count", 10, MAX_COUNT)
    start = _one_int(query, "start", 0, 10**9)
    orders = query.get("order", ["-public_timestamp"])
    if len(orders) != 1:
        raise SearchQueryError("order takes one value")
    fields = _fields(query)
    window = _date_filter(query["filter_public_timestamp"]) if (
        "filter_public_timestamp" in query) else (None, None)
    hits = _ordered([i for i in index.values() if _matches(i, query, window)], orders[0])
    return {"results": [_result(i, fields) for i in hits[start:start + count]],
            "total": len(hits), "start": start, "aggregates": {}, "suggested_queries": [],
            "suggested_autocomplete": [], "es_cluster": "A"}


class GovukReplay:
    """www.gov.uk as recorded in a snapshot folder."""

    host = "www.gov.uk"

    def __init__(self, snapshot_dir: Path, supergroups: Supergroups) -> None:
        self.index = build_index(snapshot_dir / "govuk" / "content_api", supergroups)

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == SEARCH_PATH:
            try:
                return json_reply(search(self.index, query))
            except SearchQueryError as error:
                return json_reply({"error": str(error)}, 422)
        if path.startswith(CONTENT_PATH + "/"):
            item = self.index.get(path[len(CONTENT_PATH):].rstrip("/") or "/")
            if item is not None:
                return item.status, JSON_TYPE, item.file.read_bytes()
        return json_reply({"error": {"code": "404", "message": f"Could not find {path}"}}, 404)

