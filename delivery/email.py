"""Email: building multipart messages (text + HTML, attachments) and sending them over SMTP."""

from __future__ import annotations

import hashlib
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
from delivery.render import render_digest_html, render_digest_text, write_atomic
from delivery.secrets import SendError, redact
from warehouse.settings import Settings


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

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """None when no SMTP host is configured (files are written, nothing is sent)."""
        if not settings.smtp_host:
            return None
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   security=settings.smtp_security, user=settings.smtp_user,
                   password=settings.smtp_password, sender=sender_address(settings),
                   ca_file=settings.smtp_ca_file, timeout_seconds=settings.smtp_timeout_seconds)


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
                   message_id: str) -> EmailMessage:
    """The digest as an email; a quiet day is the one-line note."""
    if digest.quiet:
        text = quiet_day_text(digest)
        html = f"<p style=\"font-family:Arial,sans-serif;\">{text.strip()}</p>"
    else:
        text, html = render_digest_text(digest), render_digest_html(digest)
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
    """Calls `on_handover` after the server's 354 go-ahead, just before the message data and
    its final "." go out: until then the server cannot have accepted the message, after it
    the outcome is uncertain until its reply is read and recorded."""

    on_handover: Callable[[], None] | None = None

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
        code, reply = self.getreply()
        return code, reply


class _Smtp(_CommitPointMixin, smtplib.SMTP):
    pass


class _SmtpSsl(_CommitPointMixin, smtplib.SMTP_SSL):
    pass


def send_email(message: EmailMessage, config: SmtpConfig, recipients: list[str], *,
               on_handover: Callable[[], None] | None = None) -> None:
    """Deliver one message to `recipients` (the envelope, whatever the To header says).

    `on_handover` is called once the server is ready for the data, just before it is sent
    (the caller records "sending" there). Raises SendError, its message free of the password,
    when the server refuses or the connection drops; a refused recipient among several is an
    error too, naming who was refused.
    """
    try:
        _send(message, config, recipients, on_handover)
    except (smtplib.SMTPException, OSError) as error:
        secrets = [config.password.get_secret_value()] if config.password else []
        raise SendError(redact(f"{type(error).__name__}: {error}", secrets)) from None


def _send(message: EmailMessage, config: SmtpConfig, recipients: list[str],
          on_handover: Callable[[], None] | None) -> None:
    client: smtplib.SMTP
    if config.security == "ssl":
        client = _SmtpSsl(config.host, config.port, timeout=config.timeout_seconds,
                          context=_tls_context(config))
    else:
        client = _Smtp(config.host, config.port, timeout=config.timeout_seconds)
    with client:
        client.ehlo()
        if config.security == "starttls":
            client.starttls(context=_tls_context(config))
            client.ehlo()
        if config.user:
            password = config.password.get_secret_value() if config.password else ""
            client.login(config.user, password)
        client.on_handover = on_handover  # type: ignore[attr-defined]
        refused = client.send_message(message, from_addr=config.sender, to_addrs=recipients)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
