"""`horizon digest` and `horizon alerts`: the delivery flows by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.cli.common import fail, parse_day
from warehouse.config.profiles import ProfileError
from warehouse.config.settings import get_settings

console = Console()

ProfileOption = Annotated[str, typer.Option(help="Authority profile (config/profiles/).")]
DbOption = Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")]
OutOption = Annotated[Path | None, typer.Option(help="Folder for the output files.")]


def _finish(report) -> None:
    """Print the run's notes and files; exit 1 unless it succeeded."""
    for note in report.notes:
        console.print(f"Note: {note}", highlight=False)
    for path in report.outputs:
        console.print(f"Written: [bold]{path}[/bold]")
    if report.status.value != "succeeded":
        raise typer.Exit(code=1)


def _check_smtp(settings) -> None:
    """HORIZON_SMTP_SECURITY=none off loopback: one line, before Prefect starts."""
    from delivery.email import SmtpSecurityError, check_smtp_security

    try:
        check_smtp_security(settings.smtp_host, settings.smtp_security)
    except SmtpSecurityError as error:
        fail(str(error))


def digest(
    day: Annotated[str | None, typer.Option("--date", help="Digest date, YYYY-MM-DD.")] = None,
    send: Annotated[bool, typer.Option(help="Mail it to the profile's recipients.")] = False,
    profile: ProfileOption = "wmca",
    db: DbOption = None,
    out: OutOption = None,
) -> None:
    """Render a day's digest from the warehouse (.html, .txt, .eml); --send mails it once."""
    from flows.digest_delivery import digest_delivery
    from flows.runtime.lock import RunInProgress

    digest_day = parse_day(day, "--date")
    if send and not get_settings().smtp_host:
        fail("--send needs an SMTP server: set HORIZON_SMTP_HOST (see .env.example)")
    if send:
        _check_smtp(get_settings())
    try:
        report = digest_delivery(profile=profile, day=digest_day, send=send,
                                 db=str(db) if db else None, out=str(out) if out else None)
    except (ProfileError, RunInProgress, ValueError) as error:
        fail(str(error))
    _finish(report)


def alerts(
    send: Annotated[bool, typer.Option(help="Send them (else only write out/alerts/).")] = False,
    collect: Annotated[bool, typer.Option(help="Collect and enrich the sources first.")] = False,
    profile: ProfileOption = "wmca",
    db: DbOption = None,
    out: OutOption = None,
) -> None:
    """Funding alerts due now: new calls, updated calls, deadline reminders; --send sends once."""
    from delivery.alert_send import enabled_channels
    from flows.funding_alerts import funding_alerts
    from flows.runtime.lock import RunInProgress
    from warehouse.config.profiles import load_profile

    settings = get_settings()
    if send:
        _check_smtp(settings)
    try:
        if send and not enabled_channels(load_profile(settings.config_dir, profile), settings):
            fail("--send needs a channel: SMTP settings and alert recipients, or "
                 "HORIZON_TEAMS_WEBHOOK_URL / HORIZON_SLACK_WEBHOOK_URL")
        report = funding_alerts(profile=profile, send=send, collect=collect,
                                db=str(db) if db else None, out=str(out) if out else None)
    except (ProfileError, RunInProgress, ValueError) as error:
        fail(str(error))
    _finish(report)
