"""GOV.UK Search API (`/api/search.json`): building page URLs and parsing pages. Pure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.jsonbody import load_json_object

SEARCH_PATH = "/api/search.json"
CONTENT_PATH = "/api/content"
SEARCH_FIELDS = ("title", "link", "description", "public_timestamp",
                 "content_store_document_type")
MAX_COUNT = 1500  # the Search API's own ceiling for `count`


class SearchHit(BaseModel):
    """One search result: enough to decide whether to fetch the full content item."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    link: str = Field(min_length=1)
    title: str = ""
    description: str = ""
    public_timestamp: datetime | None = None
    content_store_document_type: str = ""

    @field_validator("public_timestamp", mode="before")
    @classmethod
    def _aware(cls, value: Any) -> datetime | None:
        return parse_timestamp(value)

    @field_validator("title", "description", "content_store_document_type", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return "" if value is None else str(value)


class SearchPage(BaseModel):
    """One page of Search API results."""

    model_config = ConfigDict(frozen=True)

    results: list[SearchHit]
    total: int = Field(ge=0)
    start: int = Field(default=0, ge=0)

    @property
    def next_start(self) -> int:
        return self.start + len(self.results)

    @property
    def is_last(self) -> bool:
        return not self.results or self.next_start >= self.total


def parse_search_page(raw: bytes) -> SearchPage:
    """A Search API response body as a SearchPage; ParseError(reason) if it is not one."""
    data = load_json_object(raw, "search page")
    if not isinstance(data.get("results"), list):
        raise ParseError("search page: missing 'results' list")
    if not isinstance(data.get("total"), int):
        raise ParseError("search page: missing integer 'total'")
    try:
        return SearchPage.model_validate(data, strict=False)
    except ValidationError as error:
        raise ParseError(f"search page: unexpected shape: {error}") from error


def search_url(base_url: str, supergroup: str, since: date | None, start: int,
               count: int) -> str:
    """The Search API URL for one page of a supergroup, newest first, optionally since a day."""
    if not 0 < count <= MAX_COUNT:
        raise ValueError(f"count must be 1..{MAX_COUNT}, got {count}")
    params: list[tuple[str, str | int]] = [
        ("filter_content_purpose_supergroup", supergroup),
        ("order", "-public_timestamp"),
        ("count", count),
        ("start", start),
        ("fields", ",".join(SEARCH_FIELDS)),
    ]
    if since is not None:
        params.append(("filter_public_timestamp", f"from:{since.isoformat()}"))
    return f"{base_url.rstrip('/')}{SEARCH_PATH}?{urlencode(params)}"


def content_url(base_url: str, base_path: str) -> str:
    """The Content API URL of one base path (a search hit's `link`)."""
    if not base_path.startswith("/"):
        raise ValueError(f"base path must start with '/': {base_path!r}")
    return f"{base_url.rstrip('/')}{CONTENT_PATH}{base_path}"
