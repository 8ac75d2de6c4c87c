"""Source configuration: which sources exist, how to reach them and how politely. Data, not code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from warehouse.config.profiles import ProfileError, load_yaml_file


class SourceConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    spider: str  # the scraper that collects it, e.g. "govuk_search"
    description: str
    display_name: str = ""  # how the digest names it ("GOV.UK news"); "" falls back to the id
    base_url: str = Field(pattern=r"^https?://")
    params: dict[str, Any] = Field(default_factory=dict)
    max_requests_per_second: float = Field(default=5.0, gt=0, le=10.0)
    concurrency_per_host: int = Field(default=2, ge=1, le=8)
    max_items: int = Field(default=500, ge=1)  # per run, a guard against runaway paging
    # Larger bodies are refused, not read (Scrapy DOWNLOAD_MAXSIZE); warned of past a quarter.
    max_download_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    # Hosts other than base_url's this source may fetch from or be redirected to ("*": any).
    allowed_hosts: list[str] = Field(default_factory=list)


def sources_path(config_dir: Path) -> Path:
    return config_dir / "sources.yaml"


def load_sources(config_dir: Path) -> dict[str, SourceConfig]:
    path = sources_path(config_dir)
    data = load_yaml_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        raise ProfileError(f"{path}: expected a top-level 'sources' mapping")
    sources: dict[str, SourceConfig] = {}
    for name, body in data["sources"].items():
        try:
            sources[name] = SourceConfig.model_validate({"name": name, **(body or {})})
        except ValidationError as error:
            fields = "; ".join(
                f"field sources.{name}.{'.'.join(map(str, e['loc']))}: {e['msg']}"
                for e in error.errors()
            )
            raise ProfileError(f"{path}: {fields}") from error
    return sources


def source_display_names(config_dir: Path) -> dict[str, str]:
    """Source id -> the human name the digest and alerts show (issue 11)."""
    return {name: source.display_name or name for name, source in load_sources(config_dir).items()}
