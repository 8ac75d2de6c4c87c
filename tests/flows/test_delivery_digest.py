"""The digest over real SMTP on loopback: once per recipient, both parts, failures retried."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from flows.digest_delivery import digest_delivery
from tests.support.delivery_world import (
    RECIPIENTS,
    bus_story,
    dropping_server,
    smtp_server,
    store,
    use_settings,
    write_config,
)
from warehouse.db import connect
from warehouse.records import RunStatus, Signal

NOW = datetime.now(UTC)
DAY = NOW.date()


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> Path:
    """A warehouse with one threat for the West Midlands, seen an hour ago."""
    db = tmp_path / "horizon.duckdb"
    store(db, bus_story(title="Bus services in Birmingham to be cut"),
          seen=NOW - timedelta(hours=1), themes={"transport": 0.8},
          insight={"signal": Signal.THREAT, "signal_score": 0.7, "signal_reason": "cuts",
                   "region_score": 0.9, "places": ["Birmingham"]})
    use_settings(monkeypatch, config_dir=write_config(tmp_path / "config"),
                 out_dir=tmp_path / "out", db_path=db)
    return db


def run_digest(**kwargs):
    return digest_delivery(profile="wmca", day=DAY, send=True, **kwargs)


def runs(db: Path) -> list[tuple[str, str, int]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT recipient, status, attempts FROM digest_runs"
                           " ORDER BY recipient").fetchall()


def test_digest_delivery_sends_once_per_recipient_with_text_and_html(world, monkeypatch) -> None:
    with smtp_server() as (handler, port):
        use_settings(monkeypatch, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        first = run_digest()
        second = run_digest()
    assert first.status is RunStatus.SUCCEEDED and second.status is RunStatus.SUCCEEDED
    assert sorted(rcpts[0] for _, rcpts in handler.envelopes) == sorted(RECIPIENTS)
    message = handler.received[0]
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert message["Subject"].startswith(f"Horizon {DAY:%-d %b}: 1 threat")
    assert "Bus services in Birmingham to be cut" in message.get_body(("plain",)).get_content()
    assert [(r, s) for r, s, _ in runs(world)] == [(r, "sent") for r in sorted(RECIPIENTS)]


def test_digest_delivery_writes_the_eml_without_smtp(world, tmp_path) -> None:
    report = digest_delivery(profile="wmca", day=DAY, send=False)
    eml = tmp_path / "out" / f"digest-{DAY.isoformat()}.eml"
    assert str(eml) in report.outputs
    assert b"multipart/alternative" in eml.read_bytes()
    assert runs(world) == []


def test_digest_delivery_retries_within_the_run(world, monkeypatch) -> None:
    with smtp_server() as (handler, port):
        handler.refuse = 1  # the first attempt is refused, the retry goes through
        use_settings(monkeypatch, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                     send_retries=1)
        report = run_digest()
    assert report.status is RunStatus.SUCCEEDED
    assert len(handler.received) == len(RECIPIENTS)


def test_digest_delivery_refused_records_failure_and_a_later_run_sends_once(
    world, monkeypatch
) -> None:
    with smtp_server() as (handler, port):
        use_settings(monkeypatch, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                     send_retries=1)
        handler.refuse = 100
        failed = run_digest()
        assert failed.status is RunStatus.PARTIAL
        assert {(s, a) for _, s, a in runs(world)} == {("failed", 1)}
        with connect(world, read_only=True) as con:
            [(error,)] = con.execute("SELECT DISTINCT error FROM digest_runs").fetchall()
        assert "451" in error
        handler.refuse = 0
        later = run_digest()
        again = run_digest()
    assert later.status is RunStatus.SUCCEEDED and again.status is RunStatus.SUCCEEDED
    assert len(handler.received) == len(RECIPIENTS)
    assert {s for _, s, _ in runs(world)} == {"sent"}


def test_digest_delivery_dropped_connection_is_retried_by_a_later_run(
    world, monkeypatch
) -> None:
    with dropping_server() as port:
        use_settings(monkeypatch, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                     send_retries=1, smtp_timeout_seconds=2)
        assert run_digest().status is RunStatus.PARTIAL
    assert {s for _, s, _ in runs(world)} == {"failed"}
    with smtp_server() as (handler, port):
        use_settings(monkeypatch, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        run_digest()
        run_digest()
    assert len(handler.received) == len(RECIPIENTS)


def test_digest_delivery_quiet_day_sends_nothing(tmp_path, monkeypatch) -> None:
    db = tmp_path / "horizon.duckdb"
    with smtp_server() as (handler, port):
        use_settings(monkeypatch, config_dir=write_config(tmp_path / "config"),
                     out_dir=tmp_path / "out", db_path=db, smtp_host="127.0.0.1",
                     smtp_port=port, smtp_security="none")
        report = run_digest()
    assert handler.received == []
    assert any("quiet day" in note for note in report.notes)
    assert {s for _, s, _ in runs(db)} == {"quiet"}


def test_digest_delivery_quiet_day_note_is_one_line(tmp_path, monkeypatch) -> None:
    db = tmp_path / "horizon.duckdb"
    config = write_config(tmp_path / "config", digest={"quiet_day_note": True})
    with smtp_server() as (handler, port):
        use_settings(monkeypatch, config_dir=config, out_dir=tmp_path / "out", db_path=db,
                     smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        run_digest()
    assert len(handler.received) == len(RECIPIENTS)
    text = handler.received[0].get_body(("plain",)).get_content()
    assert text.startswith("Quiet day") and text.count("\n") == 1


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_digest_delivery_uses_starttls_and_login(world, tmp_path, monkeypatch) -> None:
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    with smtp_server(tls_context=context, require_starttls=True, authenticator=authenticate,
                     auth_require_tls=True) as (handler, port):
        use_settings(monkeypatch, smtp_host="127.0.0.1", smtp_port=port,
                     smtp_security="starttls", smtp_ca_file=cert, smtp_user="horizon",
                     smtp_password="s3cret-pass")
        report = run_digest()
    assert report.status is RunStatus.SUCCEEDED
    assert len(handler.received) == len(RECIPIENTS)
    assert logins[0] == (b"horizon", b"s3cret-pass")
    assert "s3cret-pass" not in " ".join(report.notes)
