from __future__ import annotations

from delivery.digest import build_digest
from delivery.email import SmtpConfig, build_message, digest_message, stable_message_id
from tests.support.delivery_samples import NOW, scored
from warehouse.config.settings import Settings


def test_build_message_is_text_then_html_with_headers() -> None:
    message = build_message(subject="Hi\n there", sender="h@example.org",
                            to=["a@example.org", "b@example.org"], text="t", html="<p>h</p>",
                            message_id=stable_message_id("x"), date=NOW)
    assert message["Subject"] == "Hi there"
    assert message["To"] == "a@example.org, b@example.org"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_stable_message_id_depends_only_on_its_parts() -> None:
    assert stable_message_id("digest", "wmca", "2026-11-22") == stable_message_id(
        "digest", "wmca", "2026-11-22")
    assert stable_message_id("digest", "wmca", "a") != stable_message_id("digest", "wmca", "b")


def test_digest_message_html_part_is_the_rendered_digest(profile) -> None:
    digest = build_digest([scored(themes={"transport": (0.9, True, "buses")})], profile,
                          NOW.date(), now=NOW)
    message = digest_message(digest, sender="h@example.org", to=[], date=NOW,
                             message_id=stable_message_id("d"))
    assert message["To"] == "undisclosed-recipients:;"
    assert "More buses for the West Midlands" in message.get_body(("html",)).get_content()


def test_smtp_config_needs_a_host_and_hides_the_password() -> None:
    assert SmtpConfig.from_settings(Settings(smtp_host=None)) is None
    config = SmtpConfig.from_settings(Settings(smtp_host="mail.example.org",
                                               smtp_password="s3cret"))
    assert config.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(config)
