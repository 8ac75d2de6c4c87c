"""Keeping delivery secrets (SMTP password, webhook URLs) out of errors, logs and run reports.

A webhook URL is a secret: its path carries the channel's token. httpx puts the URL in its
error messages and logs every request's URL at INFO, so:

- `redact(text, secrets)` replaces each secret (and a URL's path and query) with `***`;
- `SendError` is what a failed send raises: its message is already redacted, and it is raised
  `from None`, so no traceback shows the original exception's message;
- `SecretLogFilter`, installed on the `httpx` and `httpcore` loggers by `register_secret`,
  redacts every registered secret from their log records.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from pydantic import SecretStr

from warehouse.settings import Settings

MASK = "***"
_LOGGERS = ("httpx", "httpcore")
_registered: set[str] = set()
_lock = threading.Lock()


class SendError(RuntimeError):
    """A send failed; the message names the cause with every secret masked."""


def redact_url(url: str) -> str:
    """`https://hooks.example.org/***`: the scheme and host only, never the path or query."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not even a URL: nothing of it is shown
        return MASK
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/{MASK}" if parts.netloc else MASK


def _variants(secret: str) -> list[str]:
    """The secret, and for a URL also its path and query (an error may quote only those)."""
    found = [secret]
    try:
        parts = urlsplit(secret)
    except ValueError:
        return found
    if parts.scheme and parts.netloc:
        tail = parts.path + (f"?{parts.query}" if parts.query else "")
        if len(tail) > 1:
            found.append(tail)
    return found


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for variant in _variants(secret):
            replacement = redact_url(secret) if variant == secret and "://" in secret else MASK
            text = text.replace(variant, replacement)
    return text


def settings_secrets(settings: Settings) -> list[str]:
    """The secret values a Settings object holds."""
    values = (settings.smtp_password, settings.teams_webhook_url, settings.slack_webhook_url)
    return [v.get_secret_value() for v in values if isinstance(v, SecretStr)
            and v.get_secret_value()]


def describe(error: BaseException, secrets: Iterable[str]) -> str:
    """`ErrorType: message` with the secrets masked, for run reports and logs."""
    return redact(f"{type(error).__name__}: {error}", [*secrets, *_registered])


class SecretLogFilter(logging.Filter):
    """Masks registered secrets in the records of the loggers it is installed on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _registered:
            return True
        message = record.getMessage()
        cleaned = redact(message, _registered)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = SecretLogFilter()


def register_secret(value: str) -> None:
    """Mask `value` in httpx/httpcore log records from now on (idempotent)."""
    if not value:
        return
    with _lock:
        _registered.add(value)
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
