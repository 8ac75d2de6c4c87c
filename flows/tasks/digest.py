"""A profile's digest for the day: prepared from the warehouse and, with `send`, mailed (the
step `daily_digest` and `profiles_digest` share; delivery/digest_prepare.py, digest_send.py)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import Task, task
from prefect.cache_policies import NONE

from delivery.digest_prepare import PreparedDigest, prepare_digest
from delivery.digest_send import send_digest
from warehouse.config.profiles import Profile
from warehouse.config.settings import Settings, get_settings
from warehouse.records import RunReport, RunStatus, SourceReport


@task(name="prepare-digest", cache_policy=NONE)
def prepare_day_digest(con, profile: Profile, day: date, out_dir: Path,
                       sources: list[SourceReport]) -> PreparedDigest:
    """The day's digest from the warehouse (window stored in `digests`), as .html, .txt, .eml.
    The wall clock only ends the collection window: deadlines, days left, staleness and the
    quiet-day logic are judged at the digest's own moment (`day` 07:00, delivery.digest)."""
    return prepare_digest(con, profile, day, out_dir, get_settings(), now=datetime.now(UTC),
                          source_reports=sources)


def digest_into_report(con, profile: Profile, day: date, out_dir: Path, report: RunReport,
                       settings: Settings, *, send: bool,
                       logger: logging.Logger | logging.LoggerAdapter,
                       prepare: Task[..., PreparedDigest] = prepare_day_digest) -> None:
    """The digest's files into `report.outputs`; with `send`, mailed, and a run that reached not
    every recipient is PARTIAL. `prepare` is the Prefect task that prepares it."""
    prepared = prepare(con, profile, day, out_dir, report.sources)
    report.outputs = prepared.outputs
    if send:
        delivered = send_digest(con, profile, prepared, settings, now=datetime.now(UTC),
                                logger=logger)
        report.notes.extend(delivered.notes)
        if delivered.undelivered and report.status is RunStatus.SUCCEEDED:
            report.status = RunStatus.PARTIAL
