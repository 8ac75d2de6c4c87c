"""Run one source's spider in a child process and read its output back as typed records.

    result = run_crawl(source, settings, workdir, since=None, known={})

The crawl runs as `python -m scrapers.run_spider` (the Twisted reactor cannot restart within one
process), under a timeout that kills the child. Whatever it wrote before dying is kept.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError

from scrapers.lifetime import die_with_parent
from warehouse.config.settings import PROJECT_ROOT, Settings
from warehouse.config.sources import SourceConfig
from warehouse.records import Document, FetchError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
_STDERR_TAIL = 2000


class CrawlResult(BaseModel):
    """What one crawl of one source delivered."""

    source: str
    documents: list[Document] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    errors: list[FetchError] = Field(default_factory=list)
    listed: int = 0
    # Listings and feeds that had not changed since the last run, and how many records they held.
    not_modified: int = 0
    # What to remember of each conditional fetch (URL, ETag, Last-Modified, body hash, records).
    http_states: list[dict[str, Any]] = Field(default_factory=list)
    # A listing that stopped at max_items before its end: {"url", "next_start", "total"}.
    capped: dict[str, Any] | None = None
    skipped: list[str] = Field(default_factory=list)  # quarantined items listed again


def is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in LOOPBACK_HOSTS


def allowed_hosts(source: SourceConfig) -> list[str]:
    """The hosts a crawl of `source` may reach: its base URL's, plus those its config allows."""
    return sorted({(urlsplit(source.base_url).hostname or "").lower(),
                   *(h.lower() for h in source.allowed_hosts)})


def scrapy_settings(source: SourceConfig, settings: Settings, base_url: str) -> dict[str, Any]:
    """Polite Scrapy settings for a real host; no delays when replaying on loopback."""
    delay = 0.0 if is_loopback(base_url) else 1.0 / source.max_requests_per_second
    return {
        "DOWNLOADER_MIDDLEWARES": {"scrapers.hostguard.HostGuardMiddleware": 50,
                                   # after RetryMiddleware (550): sees 429/503 first
                                   "scrapers.retry_after.RetryAfterMiddleware": 560},
        "HORIZON_RETRY_AFTER_MAX_SECONDS": settings.retry_after_max_seconds,
        "HORIZON_ALLOWED_HOSTS": allowed_hosts(source),
        "HORIZON_REPLAY_URL": settings.replay_url or "",
        "DOWNLOAD_MAXSIZE": source.max_download_bytes,
        "DOWNLOAD_WARNSIZE": source.max_download_bytes // 4,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": delay if is_loopback(base_url) else max(delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(source.concurrency_per_host),
        "USER_AGENT": settings.user_agent,
        "DOWNLOAD_DELAY": delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrency_per_host,
        "DOWNLOAD_TIMEOUT": settings.download_timeout_seconds,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


def spider_args(source: SourceConfig, base_url: str, since: date | None,
                known_path: Path, *, replay_url: str | None = None,
                http_cache_path: Path | None = None, resume_start: int = 0,
                retry_path: Path | None = None, skip_path: Path | None = None
                ) -> dict[str, str]:
    """Spider arguments: the common ones, and the source's own params (e.g. supergroup) as JSON
    in `params_json`."""
    return {
        "params_json": json.dumps(source.params),
        "source": source.name,
        "base_url": base_url,
        "live_base_url": source.base_url,
        "replay_url": replay_url or "",
        "since": since.isoformat() if since else "",
        "known": str(known_path),
        "http_cache": str(http_cache_path) if http_cache_path else "",
        "max_items": str(source.max_items),
        "resume_start": str(resume_start),
        "retry": str(retry_path) if retry_path else "",
        "skip": str(skip_path) if skip_path else "",
    }


def _line_into(result: CrawlResult, line: str, number: int) -> None:
    item: Any = None
    try:
        item = json.loads(line)
        kind = item["type"]
        if kind == "document":
            result.documents.append(Document.model_validate(item["document"]))
        elif kind == "unchanged":
            result.unchanged.append(str(item["url"]))
        elif kind == "error":
            result.errors.append(FetchError(source=result.source, url=str(item.get("url", "")),
                                            reason=str(item["reason"]),
                                            item=bool(item.get("item"))))
        elif kind == "listed":
            result.listed += int(item["count"])
        elif kind == "not_modified":
            result.not_modified += int(item["records"])
        elif kind == "skipped":
            result.skipped.append(str(item["url"]))
        elif kind == "capped":
            result.capped = {"url": str(item.get("url", "")),
                             "next_start": item.get("next_start"),
                             "total": int(item.get("total") or 0)}
        elif kind == "http_state":
            result.http_states.append({key: item.get(key, "") for key in (
                "url", "etag", "last_modified", "body_hash", "records")})
        else:
            raise ValueError(f"unknown item type {kind!r}")
    except (ValueError, KeyError, TypeError, ValidationError, RecursionError) as error:
        document = item.get("document") if isinstance(item, dict) else None
        url = document.get("url", "") if isinstance(document, dict) else ""
        result.errors.append(FetchError(source=result.source, url=str(url),
                                        reason=f"output line {number}: {error}"[:1000]))


def output_lines(text: str) -> list[str]:
    """JSON Lines split on "\\n" only: str.splitlines() also breaks on U+2028, U+2029, U+0085
    and other separators a scraped title may hold."""
    return text.split("\n")


def parse_crawl_output(source: str, lines: Iterable[str]) -> CrawlResult:
    """The spider's JSON Lines as a CrawlResult; a line that does not validate is a FetchError."""
    result = CrawlResult(source=source)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            _line_into(result, line, number)
    return result


def _tail(path: Path) -> str:
    if not path.exists():
        return ""
    return path.read_text(encoding="utf-8", errors="replace")[-_STDERR_TAIL:].strip()


def run_child(command: list[str], log_path: Path, timeout: int) -> str | None:
    """Run the child to completion or timeout; return a reason if it did not finish cleanly.

    The child is killed with this process (or the thread that waits for it) even by SIGKILL."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    with log_path.open("w", encoding="utf-8") as log:
        child = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                 preexec_fn=die_with_parent)
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            return f"crawl timed out after {timeout}s and was killed"
    if code != 0:
        return f"crawl process exited with code {code}: {_tail(log_path)}"
    return None


def run_crawl(source: SourceConfig, settings: Settings, workdir: Path, *, since: date | None,
              known: dict[str, datetime],
              http_cache: dict[str, dict[str, Any]] | None = None, resume_start: int = 0,
              retry: list[str] | None = None, skip: list[str] | None = None) -> CrawlResult:
    """Crawl one source in a child process; never raises for crawl failures, reports them.

    `resume_start`: where a capped listing stopped last time; `retry`: paths of items to fetch
    directly (those that failed before), for spiders that can; `skip`: canonical URLs of
    quarantined items, listed but neither fetched nor stored."""
    workdir.mkdir(parents=True, exist_ok=True)
    base_url = settings.base_url_for(source.base_url)
    output = workdir / f"{source.name}.jsonl"
    output.unlink(missing_ok=True)
    known_path = workdir / f"{source.name}.known.json"
    known_path.write_text(json.dumps({url: at.isoformat() for url, at in known.items()}),
                          encoding="utf-8")
    http_cache_path = workdir / f"{source.name}.http.json"
    http_cache_path.write_text(json.dumps(http_cache or {}), encoding="utf-8")
    retry_path = workdir / f"{source.name}.retry.json"
    retry_path.write_text(json.dumps(retry or []), encoding="utf-8")
    skip_path = workdir / f"{source.name}.skip.json"
    skip_path.write_text(json.dumps(skip or []), encoding="utf-8")
    settings_path = workdir / f"{source.name}.scrapy.json"
    settings_path.write_text(json.dumps(scrapy_settings(source, settings, base_url)),
                             encoding="utf-8")
    command = [sys.executable, "-m", "scrapers.run_spider", "--spider", source.spider,
               "--settings", str(settings_path), "--output", str(output)]
    args = spider_args(source, base_url, since, known_path, replay_url=settings.replay_url,
                       http_cache_path=http_cache_path, resume_start=resume_start,
                       retry_path=retry_path, skip_path=skip_path)
    for key, value in args.items():
        command += ["--arg", f"{key}={value}"]
    failure = run_child(command, workdir / f"{source.name}.log",
                         settings.crawl_timeout_seconds)
    lines = output_lines(output.read_text(encoding="utf-8")) if output.exists() else []
    result = parse_crawl_output(source.name, lines)
    if failure:
        result.errors.append(FetchError(source=source.name, url=base_url, reason=failure))
    return result
