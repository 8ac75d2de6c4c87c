"""Signed feedback links (delivery/feedback_links.py) and where they are rendered: the digest and
the funding alerts. Constructed claims and the demo digest (tests/delivery/delivery_samples)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from delivery.alert_render import render_alert_html, render_alert_text
from delivery.digest import build_digest
from delivery.feedback_links import (
    BadFeedbackLink,
    FeedbackClaim,
    FeedbackLinks,
    sign_claim,
    verify_token,
)
from delivery.render import render_digest_html, render_digest_text
from tests.support.delivery_samples import NOW, demo_profile, demo_scored, sample_alert
from warehouse.config.settings import Settings

SECRET = b"planted-feedback-secret-4b1d"
DOC = uuid.UUID("11111111-2222-3333-4444-555555555555")


def _claim(**overrides) -> FeedbackClaim:
    values = dict(document_id=DOC, profile="wmca", theme="transport", verdict="no",
                  who="cos@example.org", channel="digest", shown_score=0.71,
                  shown_model_version="heads-wmca-x", expires_at=int(NOW.timestamp()) + 3600)
    values.update(overrides)
    return FeedbackClaim(**values)


def _links(**overrides) -> FeedbackLinks:
    values = dict(base_url="http://127.0.0.1:18200", secret=SECRET, profile="wmca",
                  who="cos@example.org", channel="digest",
                  expires_at=int((NOW + timedelta(days=30)).timestamp()))
    values.update(overrides)
    return FeedbackLinks(**values)


def test_feedback_links_round_trip_every_field() -> None:
    claim = _claim()
    assert verify_token(sign_claim(claim, SECRET), SECRET, NOW) == claim


@pytest.mark.parametrize("change", ["verdict", "theme", "document", "expiry", "secret"])
def test_feedback_links_refuse_any_change_with_403(change: str) -> None:
    token = sign_claim(_claim(), SECRET)
    payload, signature = token.split(".")
    others = {"verdict": _claim(verdict="yes"), "theme": _claim(theme="housing"),
              "document": _claim(document_id=uuid.uuid4()),
              "expiry": _claim(expires_at=_claim().expires_at + 10**6)}
    forged = (f"{sign_claim(others[change], SECRET).split('.')[0]}.{signature}"
              if change in others else sign_claim(_claim(), b"another-secret-entirely"))
    with pytest.raises(BadFeedbackLink) as refused:
        verify_token(forged, SECRET, NOW)
    assert refused.value.status == 403
    assert payload not in str(refused.value)


def test_feedback_links_expire_with_410() -> None:
    token = sign_claim(_claim(expires_at=int(NOW.timestamp()) - 1), SECRET)
    with pytest.raises(BadFeedbackLink) as refused:
        verify_token(token, SECRET, NOW)
    assert refused.value.status == 410


@pytest.mark.parametrize("token", ["", "no-dot", ".", "abc.def", "é.é", "x" * 5000])
def test_feedback_links_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(BadFeedbackLink) as refused:
        verify_token(token, SECRET, NOW)
    assert refused.value.status in (400, 403)


def test_feedback_links_need_the_secret_and_default_to_the_web_port() -> None:
    assert FeedbackLinks.from_settings(Settings(feedback_secret=None), profile="wmca", who="x",
                                       channel="digest", now=NOW) is None
    links = FeedbackLinks.from_settings(
        Settings(feedback_secret="s3cret-value-long-enough", web_port=18200,
                 feedback_link_days=7), profile="wmca", who="x", channel="digest", now=NOW)
    assert links.base_url == "http://127.0.0.1:18200"
    assert links.expires_at == int((NOW + timedelta(days=7)).timestamp())


def test_feedback_links_never_show_the_secret() -> None:
    assert SECRET.decode() not in repr(_links()) and SECRET.decode() not in str(_links())


def test_feedback_links_offer_only_not_relevant_without_a_theme() -> None:
    assert [label for label, _ in _links().for_item(DOC, "", None, "")] == ["Not relevant"]
    assert [label for label, _ in _links().for_item(DOC, "transport", 0.5, "v")] == [
        "Right theme", "Wrong theme", "Not relevant"]


def _tokens(html: str) -> list[str]:
    urls = [unescape(u) for u in re.findall(r'href="(http://127\.0\.0\.1:18200/feedback\?[^"]+)"',
                                            html)]
    return [parse_qs(urlsplit(u).query)["t"][0] for u in urls]


def test_feedback_links_in_the_digest_are_signed_per_item_and_recipient() -> None:
    digest = build_digest(demo_scored(), demo_profile(), NOW.date())
    html = render_digest_html(digest, _links())
    claims = [verify_token(t, SECRET, NOW) for t in _tokens(html)]
    items = [i for s in digest.sections for g in s.groups for i in g.items]
    assert len(claims) == sum(3 if i.themes else 1 for i in items) > 0
    assert {c.who for c in claims} == {"cos@example.org"}
    first = next(i for i in items if i.themes)
    assert {(c.verdict, c.theme) for c in claims if c.document_id == first.document_id} == {
        ("yes", first.themes[0].theme_id), ("no", first.themes[0].theme_id),
        ("irrelevant", first.themes[0].theme_id)}
    text = render_digest_text(digest, _links())
    assert text.count("/feedback?t=") == len(claims)


def test_feedback_links_absent_without_a_signer() -> None:
    digest = build_digest(demo_scored(), demo_profile(), NOW.date())
    assert "/feedback" not in render_digest_html(digest)
    assert "/feedback" not in render_digest_text(digest)


def test_feedback_footer_counts_the_labels_learned_only_when_some() -> None:
    digest = build_digest(demo_scored(), demo_profile(), NOW.date())
    assert "office label" not in render_digest_html(digest)
    learned = digest.model_copy(update={"labels_learned": 37})
    assert "Themes learned from 37 office labels." in render_digest_html(learned)
    assert "Themes learned from 37 office labels." in render_digest_text(learned)


def test_feedback_links_in_alerts_name_the_shown_theme() -> None:
    shown = sample_alert(theme="economy", theme_name="Economy <b>& jobs</b>", theme_score=0.6,
                  model_version="heads-v")
    html = render_alert_html(shown, _links(channel="alert"))
    claims = [verify_token(t, SECRET, NOW) for t in _tokens(html)]
    assert [(c.verdict, c.theme, c.channel, c.shown_model_version) for c in claims] == [
        (v, "economy", "alert", "heads-v") for v in ("yes", "no", "irrelevant")]
    assert "Economy &lt;b&gt;&amp; jobs&lt;/b&gt;" in html and "<b>&" not in html
    assert render_alert_text(shown, _links()).count("/feedback?t=") == 3
    assert "/feedback" not in render_alert_html(shown)


def test_feedback_links_expire_after_the_configured_days() -> None:
    links = FeedbackLinks.from_settings(
        Settings(feedback_secret="s3cret-value-long-enough", feedback_link_days=1),
        profile="wmca", who="x", channel="digest", now=datetime(2026, 12, 1, tzinfo=UTC))
    token = parse_qs(urlsplit(links.for_item(DOC, "transport", 0.5, "v")[0][1]).query)["t"][0]
    assert verify_token(token, links.secret, datetime(2026, 12, 1, 23, tzinfo=UTC)).verdict == "yes"
    with pytest.raises(BadFeedbackLink):
        verify_token(token, links.secret, datetime(2026, 12, 2, 1, tzinfo=UTC))
