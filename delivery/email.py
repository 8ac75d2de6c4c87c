"""Email: building multipart messages (text + HTML, attachments) and sending them over SMTP."""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import re
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from delivery.digest import Digest
from delivery.feedback_links import FeedbackLinks
from delivery.render import render_digest_html, render_digest_text, write_atomic
from delivery.secrets import OutcomeUnknown, Refused, SendError, redact
from warehouse.config.settings import Settings


class SmtpConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str
    port: int
    security: Literal["starttls", "ssl", "none"]
    user: str | None = None
    password: SecretStr | None = None
    sender: str
    ca_file: Path | None = None
    timeout_seconds: float = 30
    final_reply_timeout_seconds: float = 600  # the reply to the final "." (RFC 5321 4.5.3.2.6)

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """None when no SMTP host is configured (files are written, nothing is sent)."""
        if not settings.smtp_host:
            return None
        check_smtp_security(settings.smtp_host, settings.smtp_security)
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   security=settings.smtp_security, user=settings.smtp_user,
                   password=settings.smtp_password, sender=sender_address(settings),
                   ca_file=settings.smtp_ca_file, timeout_seconds=settings.smtp_timeout_seconds,
                   final_reply_timeout_seconds=settings.smtp_final_reply_timeout_seconds)


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    filename: str
    content_type: str  # e.g. "text/calendar"
    data: bytes


def sender_address(settings: Settings) -> str:
    return settings.smtp_from or settings.contact_email


def stable_message_id(*parts: str) -> str:
    """The same message always gets the same Message-ID, so a duplicate is recognisable."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"<{digest}@horizon.invalid>"


def build_message(
    *, subject: str, sender: str, to: list[str], text: str, html: str, message_id: str,
    date: datetime, attachments: list[Attachment] | None = None,
) -> EmailMessage:
    """multipart/alternative (text, then HTML), inside multipart/mixed when attaching."""
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = sender
    message["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments or []:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    return message


def quiet_day_text(digest: Digest) -> str:
    return (f"Quiet day: nothing new for {digest.authority} since the last digest "
            f"({digest.day:%-d %b %Y}).\n")


def digest_message(digest: Digest, *, sender: str, to: list[str], date: datetime,
                   message_id: str, feedback: FeedbackLinks | None = None) -> EmailMessage:
    """The digest as an email (with `feedback` links signed for its recipient); a quiet day is
    the one-line note."""
    if digest.quiet:
        text = quiet_day_text(digest)
        html = f"<p style=\"font-family:Arial,sans-serif;\">{text.strip()}</p>"
    else:
        text = render_digest_text(digest, feedback)
        html = render_digest_html(digest, feedback)
    return build_message(subject=digest.subject, sender=sender, to=to, text=text, html=html,
                         message_id=message_id, date=date)


def write_eml(message: EmailMessage, path: Path) -> Path:
    return write_atomic(path, bytes(message))


def _tls_context(config: SmtpConfig) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if config.ca_file:
        context.load_verify_locations(cafile=str(config.ca_file))
    return context


class _CommitPointMixin:
    """`data` split in two: `on_handover` runs after the server's 354 go-ahead, just before the
    message data and its final "." go out (until then the server cannot have accepted the
    message); the reply to the final "." is awaited up to `final_reply_timeout` (RFC 5321
    4.5.3.2.6: 10 minutes), and no reply at all is `OutcomeUnknown`, not a failure."""

    on_handover: Callable[[], None] | None = None
    final_reply_timeout: float = 600

    def data(self, msg: bytes) -> tuple[int, bytes]:  # smtplib.SMTP.data, split in two
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if self.on_handover is not None:
            self.on_handover()
        data = re.sub(rb"(?m)^\.", b"..", msg)
        if data[-2:] != b"\r\n":
            data += b"\r\n"
        self.send(data + b".\r\n")
        self.sock.settimeout(self.final_reply_timeout)
        try:
            code, reply = self.getreply()
        except smtplib.SMTPServerDisconnected as error:
            raise OutcomeUnknown(f"no reply to the end of the message data ({error})") from None
        self.sock.settimeout(self.timeout)
        return code, reply


class _Smtp(_CommitPointMixin, smtplib.SMTP):
    pass


class _SmtpSsl(_CommitPointMixin, smtplib.SMTP_SSL):
    pass


def is_loopback(host: str) -> bool:
    """An IP literal in 127.0.0.0/8 or ::1, or the name `localhost` (no DNS is trusted)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class SmtpSecurityError(ValueError):
    """HORIZON_SMTP_SECURITY=none for a relay that is not on loopback."""


def check_smtp_security(host: str | None, security: str) -> None:
    """Refuse `none` (no TLS: the password and the mail in clear) unless the relay is loopback."""
    if host and security == "none" and not is_loopback(host):
        raise SmtpSecurityError(
            f"HORIZON_SMTP_SECURITY=none is only allowed for a relay on loopback, not {host!r}:"
            f" use starttls (port 587) or ssl (port 465)")


def send_email(message: EmailMessage, config: SmtpConfig, recipients: list[str], *,
               on_handover: Callable[[], None] | None = None,
               on_accepted: Callable[[], None] | None = None) -> list[str]:
    """Deliver one message to `recipients` (the envelope, whatever the To header says).

    `on_handover` is called once the server is ready for the data, just before it is sent (the
    caller records "sending" there); `on_accepted` as soon as the server has answered 250 to
    the message: that answer is the delivery, so what goes wrong after it (QUIT answered 421,
    the connection dropped) is returned as notes, never raised. Raises `Refused` for a
    permanent refusal (5xx), `OutcomeUnknown` when the final reply never came, `SendError`
    otherwise; each message free of the password. Recipients refused among several accepted
    ones are returned as notes (the others have it; the caller sends one recipient per
    message so that a refusal stays that recipient's alone).
    """
    secrets = [config.password.get_secret_value()] if config.password else []
    check_smtp_security(config.host, config.security)
    client: smtplib.SMTP | None = None
    try:
        client = _connect(config)
        client.on_handover = on_handover  # type: ignore[attr-defined]
        refused = client.send_message(message, from_addr=config.sender, to_addrs=recipients)
    except SendError as error:
        _close(client)
        raise type(error)(redact(str(error), secrets)) from None
    except (smtplib.SMTPException, OSError) as error:
        _close(client)
        reason = redact(f"{type(error).__name__}: {error}", secrets)
        raise (Refused if _permanent(error) else SendError)(reason) from None
    if on_accepted is not None:
        on_accepted()
    notes = [f"refused {rcpt}: {code} {text.decode(errors='replace')}"
             for rcpt, (code, text) in refused.items()]
    try:
        code, reply = client.docmd("quit")
        if code != 221:
            notes.append(f"accepted; QUIT answered {code} {reply.decode(errors='replace')}")
    except (smtplib.SMTPException, OSError) as error:
        notes.append(f"accepted; then {type(error).__name__}: {error}")
    _close(client)
    return [redact(note, secrets) for note in notes]


def _permanent(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", 0)
    return isinstance(code, int) and 500 <= code < 600


def _close(client: smtplib.SMTP | None) -> None:
    if client is not None:
        with contextlib.suppress(OSError):
            client.close()


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    client: _Smtp | _SmtpSsl
    if config.security == "ssl":
        client = _SmtpSsl(config.host, config.port, timeout=config.timeout_seconds,
                          context=_tls_context(config))
    else:
        client = _Smtp(config.host, config.port, timeout=config.timeout_seconds)
    client.final_reply_timeout = config.final_reply_timeout_seconds
    try:
        client.ehlo()
        if config.security == "starttls":
            client.starttls(context=_tls_context(config))
            client.ehlo()
        if config.user:
            password = config.password.get_secret_value() if config.password else ""
            client.login(config.user, password)
    except BaseException:
        _close(client)
        raise
    return client
