"""Signed one-click feedback links ("right theme / wrong theme / not relevant") for the digest and
the funding alerts, and their check in `horizon web` (POST /feedback).

A link carries a claim: the document, profile, theme, verdict, who it was sent to, the channel
(digest, alert), what was shown (score, model version) and an expiry. The claim is base64url JSON
and the signature an HMAC-SHA256 of it under HORIZON_FEEDBACK_SECRET; the signature is the
authority, so the link needs no web token. Without the secret no link is made.

    links = FeedbackLinks.from_settings(settings, profile="wmca", who="cos@example.org",
                                        channel="digest", now=now)   # None without the secret
    links.for_item(document_id, theme="transport", score=0.71, model_version="heads-...")
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from warehouse.config.settings import Settings

VERDICT_LABELS = {"yes": "Right theme", "no": "Wrong theme", "irrelevant": "Not relevant"}
_DOMAIN = b"horizon-feedback-v1."
_KEYS = {"document_id": "d", "profile": "p", "theme": "t", "verdict": "v", "who": "w",
         "channel": "c", "shown_score": "s", "shown_model_version": "m", "expires_at": "e"}


class BadFeedbackLink(ValueError):
    """The link is malformed (status 400), its signature does not match (403) or it has
    expired (410)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FeedbackClaim:
    document_id: uuid.UUID
    profile: str
    theme: str  # "" for an item shown without a theme (only "not relevant" is offered)
    verdict: str
    who: str
    channel: str
    shown_score: float | None
    shown_model_version: str
    expires_at: int  # seconds since the epoch (UTC)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, _DOMAIN + payload.encode("ascii"), hashlib.sha256).digest())


def sign_claim(claim: FeedbackClaim, secret: bytes) -> str:
    values = {**asdict(claim), "document_id": str(claim.document_id)}
    payload = _b64(json.dumps({_KEYS[k]: v for k, v in values.items()},
                              separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_signature(payload, secret)}"


def verify_token(token: str, secret: bytes, now: datetime) -> FeedbackClaim:
    """The claim of a token signed with `secret` and not expired at `now`; else BadFeedbackLink
    (whose message never repeats the token)."""
    payload, _, signature = token.partition(".")
    if not payload or not signature or len(token) > 4000:
        raise BadFeedbackLink("malformed feedback link")
    try:
        expected = _signature(payload, secret)
    except UnicodeEncodeError as error:
        raise BadFeedbackLink("malformed feedback link") from error
    if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
        raise BadFeedbackLink("this feedback link's signature does not match", 403)
    try:
        data = json.loads(_unb64(payload))
        values = {name: data[key] for name, key in _KEYS.items()}
        claim = FeedbackClaim(**{**values, "document_id": uuid.UUID(values["document_id"])})
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise BadFeedbackLink("malformed feedback link") from error
    if claim.verdict not in VERDICT_LABELS:
        raise BadFeedbackLink("malformed feedback link")
    if now.timestamp() > claim.expires_at:
        raise BadFeedbackLink("this feedback link has expired", 410)
    return claim


@dataclass(frozen=True)
class FeedbackLinks:
    """Links of one message: one recipient, one channel, one expiry."""

    base_url: str
    secret: bytes = field(repr=False)  # never in a log line or a traceback's locals
    profile: str
    who: str
    channel: str
    expires_at: int

    @classmethod
    def from_settings(cls, settings: Settings, *, profile: str, who: str, channel: str,
                      now: datetime) -> FeedbackLinks | None:
        if settings.feedback_secret is None or not settings.feedback_secret.get_secret_value():
            return None
        expires = now + timedelta(days=settings.feedback_link_days)
        return cls(settings.web_base, settings.feedback_secret.get_secret_value().encode(),
                   profile, who, channel, int(expires.timestamp()))

    def for_item(self, document_id: uuid.UUID, theme: str, score: float | None,
                 model_version: str) -> list[tuple[str, str]]:
        """(label, URL) of each verdict offered: all three with a theme, else "not relevant"."""
        verdicts = list(VERDICT_LABELS) if theme else ["irrelevant"]
        return [(VERDICT_LABELS[verdict], self.url(FeedbackClaim(
            document_id, self.profile, theme, verdict, self.who, self.channel,
            None if score is None else round(float(score), 4), model_version,
            self.expires_at))) for verdict in verdicts]

    def url(self, claim: FeedbackClaim) -> str:
        return f"{self.base_url}/feedback?{urlencode({'t': sign_claim(claim, self.secret)})}"
