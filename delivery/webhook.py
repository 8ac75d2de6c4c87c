"""Posting a JSON message to a chat incoming webhook (Slack, Teams).

The URL is a secret (its path is the channel's token): no error, log line or traceback this
module produces contains it (see delivery/secrets.py).
"""

from __future__ import annotations

from typing import Any

import httpx

from delivery.secrets import SendError, redact, redact_url, register_secret


class WebhookError(SendError):
    """The webhook failed or answered with an error status (the URL itself is never included)."""


def send_webhook(url: str, payload: dict[str, Any], *, timeout_seconds: float) -> None:
    """POST the payload; raise WebhookError on a non-2xx answer or no answer at all."""
    register_secret(url)
    try:
        response = httpx.post(url, json=payload, timeout=timeout_seconds,
                              headers={"User-Agent": "Horizon/0.1 funding alerts"})
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        # A transport error says what went wrong on the wire; any other (a malformed URL, a
        # bad scheme) quotes pieces of the URL, so only its type is kept.
        detail = f": {error}" if isinstance(error, httpx.TransportError) and not isinstance(
            error, httpx.UnsupportedProtocol) else " (the configured URL is not usable)"
        reason = redact(f"{type(error).__name__}{detail}", [url])
        raise WebhookError(f"webhook {redact_url(url)} not reached: {reason}") from None
    if not response.is_success:
        body = redact(response.text[:200], [url])
        raise WebhookError(f"webhook {redact_url(url)} answered {response.status_code}: {body}")
