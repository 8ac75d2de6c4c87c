"""Office feedback in `horizon web` (issue 13): the signed links of the digest and the alerts,
and the search page's buttons. Both append to the feedback inbox (warehouse/feedback_inbox.py);
`horizon themes refit` imports it into the labels table.

- GET /feedback?t=<signed claim>: a small confirm page (a form), because mail clients and link
  scanners fetch GET links; nothing is recorded.
- POST /feedback (form field t): checks the signature and expiry, records the claim (who, what
  was shown) once; 400 malformed, 403 bad signature, 410 expired, 404 when links are off.
- POST /api/feedback (JSON, behind the web token like every API): a search page button.

The signed routes need no web token (web/access.py lets exactly /feedback and its stylesheet
through): the signature is the authority and it only ever records that one claim.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from delivery.feedback_links import VERDICT_LABELS, BadFeedbackLink, FeedbackClaim, verify_token
from warehouse.config.profiles import ProfileError, load_profile
from warehouse.feedback_inbox import InboxLabel, append_feedback, inbox_path
from warehouse.search.engine import IndexNotPublished, Searcher

OPEN_PATHS = frozenset({"/feedback", "/static/feedback.css"})
MAX_FORM_BYTES = 8192
_LINK_NAMESPACE = uuid.UUID("5d1f3c2e-8f0b-4e0a-9a61-13b0feedbac1")


class SearchFeedback(BaseModel):
    document_id: uuid.UUID
    theme: str = Field(default="", max_length=100)
    verdict: Literal["yes", "no", "irrelevant"]
    profile: str | None = Field(default=None, max_length=100)


class FeedbackRecorded(BaseModel):
    label_id: uuid.UUID
    verdict: str
    theme: str


def _page(status: int, heading: str, body: str) -> HTMLResponse:
    """A minimal page; every interpolated value is escaped by the caller."""
    return HTMLResponse(status_code=status, headers={"cache-control": "no-store"}, content=(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Horizon feedback</title><link rel="stylesheet" href="/static/feedback.css">'
        f'</head><body><main><h1>{html.escape(heading)}</h1>{body}</main></body></html>'))


def feedback_router(db_path: Path, config_dir: Path, searcher: Searcher, default_profile: str,
                    profiles: frozenset[str], secret: bytes | None,
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> APIRouter:
    router = APIRouter()
    inbox = inbox_path(db_path)

    def theme_names(profile: str) -> dict[str, str]:
        try:
            return {t.id: t.name for t in load_profile(config_dir, profile).themes}
        except ProfileError as error:
            raise HTTPException(422, "unknown profile") from error

    def title_of(document_id: uuid.UUID, profile: str) -> str:
        try:
            return searcher.document(document_id, profile).title
        except (KeyError, IndexNotPublished):
            return f"document {document_id}"

    def claim_of(token: str) -> FeedbackClaim | HTMLResponse:
        if secret is None:
            return _page(404, "Feedback links are off",
                         "<p>This server has no HORIZON_FEEDBACK_SECRET.</p>")
        try:
            claim = verify_token(token, secret, clock())
        except BadFeedbackLink as error:
            return _page(error.status, "Feedback not recorded",
                         f"<p>{html.escape(str(error))}.</p>")
        if claim.profile not in profiles:
            return _page(400, "Feedback not recorded", "<p>unknown profile.</p>")
        return claim

    def describe(claim: FeedbackClaim) -> str:
        theme = theme_names(claim.profile).get(claim.theme, claim.theme)
        verdict = VERDICT_LABELS[claim.verdict]
        shown = f" (shown as <strong>{html.escape(theme)}</strong>)" if theme else ""
        return (f"<p class=\"item\">{html.escape(title_of(claim.document_id, claim.profile))}"
                f"{shown}</p><p>Your judgement: <strong>{html.escape(verdict)}</strong></p>")

    @router.get("/feedback", include_in_schema=False)
    def confirm(t: str = "") -> HTMLResponse:
        claim = claim_of(t)
        if isinstance(claim, HTMLResponse):
            return claim
        return _page(200, "Record this feedback?", describe(claim) + (
            '<form method="post" action="/feedback">'
            f'<input type="hidden" name="t" value="{html.escape(t, quote=True)}">'
            '<button type="submit">Record it</button></form>'))

    @router.post("/feedback", include_in_schema=False)
    async def record(request: Request) -> HTMLResponse:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return _page(413, "Feedback not recorded", "<p>request too large.</p>")
        tokens = parse_qs(body.decode("latin-1")).get("t", [])
        claim = claim_of(tokens[0] if len(tokens) == 1 else "")
        if isinstance(claim, HTMLResponse):
            return claim
        append_feedback(inbox, InboxLabel(
            label_id=uuid.uuid5(_LINK_NAMESPACE, tokens[0]), labelled_at=clock(),
            who=claim.who, document_id=claim.document_id, profile=claim.profile,
            theme=claim.theme, verdict=claim.verdict,
            shown_model_version=claim.shown_model_version, shown_score=claim.shown_score,
            via=claim.channel))
        return _page(200, "Thank you: feedback recorded", describe(claim) + (
            "<p>The themes learn from it at the next <code>horizon themes refit</code>.</p>"))

    @router.post("/api/feedback", response_model=FeedbackRecorded)
    def api_feedback(given: SearchFeedback) -> FeedbackRecorded:
        """Record a judgement from the search page: right theme (yes), wrong theme (no) or
        not relevant (irrelevant) for a result's shown theme."""
        profile = given.profile or default_profile
        if profile not in profiles:
            raise HTTPException(422, "unknown profile")
        if given.theme and given.theme not in theme_names(profile):
            raise HTTPException(422, f"profile {profile} has no such theme")
        if not given.theme and given.verdict != "irrelevant":
            raise HTTPException(422, "a theme is needed for right or wrong theme")
        try:
            view = searcher.document(given.document_id, profile)
        except KeyError as error:
            raise HTTPException(404, f"no document {given.document_id}") from error
        except IndexNotPublished as error:
            raise HTTPException(503, str(error)) from error
        shown = next((t for t in view.themes if t.theme == given.theme), None)
        label = InboxLabel(label_id=uuid.uuid4(), labelled_at=clock(), who="search page",
                           document_id=given.document_id, profile=profile, theme=given.theme,
                           verdict=given.verdict,
                           shown_model_version=shown.model_version if shown else "",
                           shown_score=shown.score if shown else None, via="search")
        append_feedback(inbox, label)
        return FeedbackRecorded(label_id=label.label_id, verdict=label.verdict,
                                theme=label.theme)

    return router
