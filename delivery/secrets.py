"""Keeping delivery secrets (SMTP password, webhook URLs) out of errors, logs and run reports.

A webhook URL is a secret in every piece: its path carries the channel's token (Slack's
`/services/T…/B…/…`), its query a signature (Teams' `?sig=…`), its userinfo a password. A
server's error may quote any piece alone, so:

- `redact(text, secrets)` is the one redaction function: it masks each secret whole and every
  fragment of it (`secret_fragments`: a URL's userinfo, each path segment past the host, each
  query value, also percent-decoded; a password also base64-encoded, as AUTH LOGIN sends it),
  every `name=value` whose name is one of the secret's query names, and the userinfo of any URL;
- `SendError` is what a failed send raises: its message is already redacted, and it is raised
  `from None`, so no traceback shows the original exception's message;
- `SecretLogFilter`, installed on the httpx, httpcore and Prefect run loggers by
  `register_secret`, redacts every registered secret from their log records.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from pydantic import SecretStr

from warehouse.config.settings import Settings

MASK = "***"
# Fragments shorter than this are masked only as `name=value` (a bare "1" of `api-version=1`
# carries no secret, and masking it would mangle every number of an error message).
MIN_FRAGMENT = 4
_LOGGERS = ("httpx", "httpcore", "prefect.flow_runs", "prefect.task_runs")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")
_registered: set[str] = set()
_lock = threading.Lock()


class SendError(RuntimeError):
    """A send failed; the message names the cause with every secret masked."""


class OutcomeUnknown(SendError):
    """The message (or POST) went out but no answer came back: it may have been delivered."""


class Refused(SendError):
    """Refused for good (SMTP 5xx, HTTP 4xx): retrying within the run would change nothing."""


def redact_url(url: str) -> str:
    """`https://hooks.example.org/***`: the scheme and host only, never the path or query."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not even a URL: nothing of it is shown
        return MASK
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/{MASK}" if parts.netloc else MASK


def _url_fragments(secret: str) -> tuple[list[str], list[str]]:
    """(fragments, query names) of a URL secret; ([], []) when it is not a URL."""
    try:
        parts = urlsplit(secret)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return [], []
    if not (parts.scheme and parts.netloc):
        return [], []
    fragments: list[str] = []
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        fragments += [userinfo, *userinfo.split(":")]
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    fragments += [tail, parts.path, parts.query, *parts.path.split("/")]
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    fragments += [value for _, value in pairs] + [part.partition("=")[2]
                                                   for part in parts.query.split("&")]
    return fragments, [name for name, _ in pairs]


def secret_fragments(secret: str) -> list[str]:
    """The secret and every piece of it an error could quote alone, longest first."""
    fragments, _ = _url_fragments(secret)
    fragments.append(secret)
    if "://" not in secret:
        fragments.append(base64.b64encode(secret.encode()).decode())
    found = set()
    for fragment in fragments:
        for variant in (fragment, unquote(fragment), quote(fragment, safe="")):
            if len(variant) >= MIN_FRAGMENT:
                found.add(variant)
    return sorted(found, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, and every fragment of one, masked (see the module notes)."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    for secret in values:
        if "://" in secret:  # the whole URL reads as its host: the reader knows which hook
            text = text.replace(secret, redact_url(secret))
    for secret in values:
        _, names = _url_fragments(secret)
        for name in {n for n in names if n}:
            text = re.sub(rf"({re.escape(name)}=)[^&\s\"'<>]+", rf"\g<1>{MASK}", text)
        for fragment in secret_fragments(secret):
            text = text.replace(fragment, MASK)
    return _USERINFO.sub(rf"\g<1>{MASK}@", text)


def settings_secrets(settings: Settings) -> list[str]:
    """The secret values a Settings object holds."""
    values = (settings.smtp_password, settings.teams_webhook_url, settings.slack_webhook_url,
              settings.feedback_secret)
    return [v.get_secret_value() for v in values if isinstance(v, SecretStr)
            and v.get_secret_value()]


def registered_secrets() -> list[str]:
    with _lock:
        return list(_registered)


def describe(error: BaseException, secrets: Iterable[str]) -> str:
    """`ErrorType: message` with the secrets masked, for run reports and logs."""
    return redact(f"{type(error).__name__}: {error}", [*secrets, *registered_secrets()])


class SecretLogFilter(logging.Filter):
    """Masks registered secrets in the records of the loggers it is installed on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _registered:
            return True
        message = record.getMessage()
        cleaned = redact(message, registered_secrets())
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = SecretLogFilter()


def register_secret(value: str) -> None:
    """Mask `value` in httpx/httpcore/Prefect run log records from now on (idempotent)."""
    if not value:
        return
    with _lock:
        _registered.add(value)
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
