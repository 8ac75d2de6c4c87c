"""One settings object for the whole project, read from the environment (and `.env`).

Secrets (SMTP password, webhook URLs) are only ever read here, from the environment.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

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


class MissingSecret(ValueError):
    """A secret the configured work needs is not in the environment."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HORIZON_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    db_path: Path | None = None  # default: <data_dir>/horizon.duckdb
    out_dir: Path = PROJECT_ROOT / "out"
    config_dir: Path = PROJECT_ROOT / "config"
    # The checkout the deployments run in (prefect.yaml's pull step; `horizon serve` changes
    # into it). Unset: this checkout.
    home: Path | None = None
    samples_dir: Path = PROJECT_ROOT.parent / "shared" / "samples"
    # Third-party labelled texts the theme heads are fitted on (`horizon themes fit`).
    devsets_dir: Path = PROJECT_ROOT.parent / "shared" / "devsets"
    profile: str = "wmca"
    contact_email: str = "horizon-operator@example.invalid"
    # When set, every source's base URL is rewritten to this replay server (see scrapers/replay/).
    replay_url: str | None = None
    crawl_timeout_seconds: int = Field(default=900, ge=10)
    download_timeout_seconds: int = Field(default=30, ge=1)
    # A source answering 429/503 with a longer Retry-After is reported, not waited for.
    retry_after_max_seconds: float = Field(default=60, ge=0)
    # An item failing this many runs in a row is quarantined (no longer holds its source back).
    quarantine_after_attempts: int = Field(default=3, ge=1)
    # How long `horizon run` waits for Prefect's temporary server on a busy machine.
    prefect_startup_timeout_seconds: int = Field(default=180, ge=5)
    # `horizon backfill`: a Dask scheduler to run on (tcp://host:8786); unset, a LocalCluster.
    dask_address: str | None = None
    dask_scheduler_port: int = Field(default=0, ge=0, le=65535)  # LocalCluster's; 0: any free
    dask_dashboard_port: int = Field(default=0, ge=0, le=65535)  # its HTTP dashboard, loopback
    # The temporary Prefect API a backfill shares with its workers (0: a free port in 8000-8999).
    backfill_api_port: int = Field(default=0, ge=0, le=65535)
    # Delivery: SMTP for the digest and alert emails (no host: files only, nothing is sent).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"  # "none": loopback relays only
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None  # default: contact_email
    smtp_ca_file: Path | None = None  # extra CA bundle for a relay with a private certificate
    smtp_timeout_seconds: int = Field(default=30, ge=1)
    # The wait for the reply to a message's final "." (RFC 5321 4.5.3.2.6: 10 minutes).
    smtp_final_reply_timeout_seconds: float = Field(default=600, gt=0)
    # Chat webhooks for funding alerts (the URLs carry tokens: secrets).
    teams_webhook_url: SecretStr | None = None
    slack_webhook_url: SecretStr | None = None
    webhook_timeout_seconds: int = Field(default=10, ge=1)
    # Retries of each send inside one run; a send still failing is retried by the next run.
    send_retries: int = Field(default=2, ge=0, le=10)
    send_retry_delay_seconds: float = Field(default=30, ge=0)
    send_max_attempts: int = Field(default=12, ge=1)  # across runs, per digest or alert send
    # `horizon web` listens here; `horizon search` asks it first (warm model and index).
    web_port: int = Field(default=8000, ge=1, le=65535)
    # Where the digest's and alerts' feedback links point (default http://127.0.0.1:<web_port>).
    web_base_url: str | None = None
    # Signs those links (a secret); unset, the digest and alerts carry no feedback links.
    feedback_secret: SecretStr | None = None
    feedback_link_days: int = Field(default=30, ge=1, le=365)  # how long a link stays valid

    def missing_secrets(self) -> list[str]:
        """Secrets that sending needs and the environment does not give (variable names)."""
        missing = []
        if self.smtp_host and self.smtp_user and self.smtp_password is None:
            missing.append("HORIZON_SMTP_PASSWORD (needed because HORIZON_SMTP_USER is set)")
        return missing

    def require_secrets(self) -> None:
        """Fail before any work when sending is on and a secret is missing."""
        missing = self.missing_secrets()
        if missing:
            raise MissingSecret(f"sending is on but the environment (or .env) lacks: "
                                f"{'; '.join(missing)}")

    @property
    def database_path(self) -> Path:
        return self.db_path or self.data_dir / "horizon.duckdb"

    @property
    def web_base(self) -> str:
        return (self.web_base_url or f"http://127.0.0.1:{self.web_port}").rstrip("/")

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
