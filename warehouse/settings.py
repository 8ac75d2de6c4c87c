"""One settings object for the whole project, read from the environment (and `.env`).

Secrets (SMTP password, webhook URLs) are only ever read here, from the environment.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Offline guards: no model hub, no Prefect telemetry, wherever Horizon runs.
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_environment() -> None:
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HORIZON_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    db_path: Path | None = None  # default: <data_dir>/horizon.duckdb
    out_dir: Path = PROJECT_ROOT / "out"
    config_dir: Path = PROJECT_ROOT / "config"
    samples_dir: Path = PROJECT_ROOT.parent / "shared" / "samples"
    profile: str = "wmca"
    contact_email: str = "horizon-operator@example.invalid"
    # When set, every source's base URL is rewritten to this replay server (see scrapers/replay.py).
    replay_url: str | None = None
    crawl_timeout_seconds: int = Field(default=900, ge=10)
    download_timeout_seconds: int = Field(default=30, ge=1)

    @property
    def database_path(self) -> Path:
        return self.db_path or self.data_dir / "horizon.duckdb"

    @property
    def user_agent(self) -> str:
        return f"Horizon/0.1 (policy horizon scanning; contact {self.contact_email})"

    def base_url_for(self, configured: str) -> str:
        """The base URL a scraper should use: the configured one, or its replay equivalent.

        The replay server routes by the original host as the first path segment, so one loopback
        server can stand in for every source host at once.
        """
        if not self.replay_url:
            return configured.rstrip("/")
        host = urlsplit(configured).netloc
        return f"{self.replay_url.rstrip('/')}/{host}"


@cache
def get_settings() -> Settings:
    return Settings()
