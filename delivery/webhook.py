"""Posting a JSON message to a chat incoming webhook (Slack, Teams)."""

from __future__ import annotations

from typing import Any

import httpx


class WebhookError(RuntimeError):
    """The webhook answered with an error status (the URL itself is never included)."""


def send_webhook(url: str, payload: dict[str, Any], *, timeout_seconds: float) -> None:
    """POST the payload; raise WebhookError on a non-2xx answer, httpx errors on no answer."""
    response = httpx.post(url, json=payload, timeout=timeout_seconds,
                          headers={"User-Agent": "Horizon/0.1 funding alerts"})
    if not response.is_success:
        raise WebhookError(f"webhook answered {response.status_code}: {response.text[:200]}")
