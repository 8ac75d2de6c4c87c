"""Posting a JSON message to a chat incoming webhook (Slack, Teams).

The URL is a secret in every piece (its path is the channel's token, its query a signature):
no error, log line or traceback this module produces contains any of it (delivery/secrets.py).
A POST that went out and got no answer (a read timeout, the connection dropped) is
`OutcomeUnknown`: the receiver may have posted it, so the outbox does not post it again in the
same run (delivery/outbox.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from delivery.secrets import OutcomeUnknown, Refused, SendError, redact, redact_url, register_secret

REPEAT_HEADER = "X-Horizon-Possible-Repeat"  # "true" on a re-post after an unknown outcome
DELIVERY_HEADER = "X-Horizon-Delivery-Id"  # the same for every post of one alert on one hook
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol,
             httpx.LocalProtocolError, httpx.ProxyError)


class WebhookError(SendError):
    """The webhook failed or answered with an error status (the URL itself is never included)."""


class WebhookRefused(WebhookError, Refused):
    """The webhook answered 4xx (other than 408 and 429): the same post would be refused again."""


class WebhookOutcomeUnknown(WebhookError, OutcomeUnknown):
    """The POST went out and no answer came: the message may be in the channel."""


def send_webhook(url: str, payload: dict[str, Any], *, timeout_seconds: float,
                 delivery_id: str = "", possible_repeat: bool = False,
                 on_handover: Callable[[], None] | None = None) -> None:
    """POST the payload; raise WebhookError on a non-2xx answer or no answer at all.

    `on_handover` runs once the connection is open, just before the request is written."""
    register_secret(url)
    headers = {"User-Agent": "Horizon/0.1 funding alerts"}
    if delivery_id:
        headers[DELIVERY_HEADER] = delivery_id
    if possible_repeat:
        headers[REPEAT_HEADER] = "true"
    hooks = {"request": [lambda request: on_handover()]} if on_handover else {}
    try:
        with httpx.Client(timeout=timeout_seconds, event_hooks=hooks) as client:
            response = client.post(url, json=payload, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        # A transport error says what went wrong on the wire; any other (a malformed URL, a
        # bad scheme) quotes pieces of the URL, so only its type is kept.
        detail = f": {error}" if isinstance(error, httpx.TransportError) and not isinstance(
            error, httpx.UnsupportedProtocol) else " (the configured URL is not usable)"
        reason = redact(f"{type(error).__name__}{detail}", [url])
        sent = isinstance(error, httpx.TransportError) and not isinstance(error, _NOT_SENT)
        kind = WebhookOutcomeUnknown if sent else WebhookError
        what = "sent, no answer" if sent else "not reached"
        raise kind(f"webhook {redact_url(url)} {what}: {reason}") from None
    if not response.is_success:
        body = redact(response.text[:200], [url])
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        kind = WebhookRefused if permanent else WebhookError
        raise kind(f"webhook {redact_url(url)} answered {response.status_code}: {body}")
