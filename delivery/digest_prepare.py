"""A day's digest, prepared: its window cut, the digest built (delivery/digest.py), rendered and
written as .html, .txt and .eml (delivery/render.py, delivery/email.py), and the window stored.

The window of a day's digest is stored (`digests`), so re-rendering a day gives the same items
and the next day starts where it ended. Sending it is delivery/digest_send.py. Prefect-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from delivery.digest import Digest, build_digest, digest_moment
from delivery.email import digest_message, stable_message_id, write_eml
from delivery.feedback_links import FeedbackLinks
from delivery.health import build_source_health
from delivery.mps_section import mps_this_week
from delivery.render import write_digest
from warehouse.config.profiles import Profile
from warehouse.config.settings import Settings
from warehouse.config.sources import source_display_names
from warehouse.delivery_state import (
    SENT,
    DigestWindow,
    digest_runs,
    get_digest,
    latest_source_reports,
    open_deadlines,
    previous_digest_end,
    save_digest,
    source_watermarks,
    theme_volume,
)
from warehouse.labels import current_labels_learned
from warehouse.queries import changed_since, last_completed_run_end
from warehouse.records import SourceReport

DAILY_FLOW = "daily_digest"  # the flow whose stored runs start the first window and feed health


@dataclass
class PreparedDigest:
    digest: Digest
    window: DigestWindow
    outputs: list[str]


def digest_window(con: duckdb.DuckDBPyConnection, profile: str, day: date, now: datetime
                  ) -> tuple[datetime | None, datetime]:
    """(start, end] of the day's digest: stored and frozen once sent to anyone; else from where
    the previous digest ended (or the last daily run, for warehouses older than digests) to now."""
    existing = get_digest(con, profile, day)
    if existing is not None:
        if any(run.status == SENT for run in digest_runs(con, profile, day)):
            return existing.window_start, existing.window_end
        return existing.window_start, max(now, existing.window_end)
    start = previous_digest_end(con, profile, day) or last_completed_run_end(
        con, DAILY_FLOW, profile)
    return start, now


def prepare_digest(
    con: duckdb.DuckDBPyConnection, profile: Profile, day: date, out_dir: Path,
    settings: Settings, *, now: datetime, source_reports: list[SourceReport] | None = None,
) -> PreparedDigest:
    """Build the day's digest from the warehouse; write .html, .txt and .eml; store its window."""
    options = profile.digest
    start, end = digest_window(con, profile.id, day, now)
    scored = changed_since(con, profile.id, start, end)
    as_of = digest_moment(day)  # the digest's own "now" (issue 11): not the wall clock
    horizon = as_of + timedelta(days=options.actions_window_days)
    deadlines = open_deadlines(con, profile.id, as_of, horizon)
    reports = source_reports if source_reports is not None else latest_source_reports(
        con, DAILY_FLOW, profile.id)
    health = build_source_health(reports, source_watermarks(con), now=as_of,
                                 stale_after_days=options.stale_after_days)
    digest = build_digest(scored, profile, day, now=as_of, open_deadlines=deadlines,
                          volume=theme_volume(con, profile.id, end - timedelta(days=7), end),
                          health=health, source_names=source_display_names(settings.config_dir))
    digest = digest.model_copy(update={"mps": mps_this_week(con, profile, day),  # issue 16
                                       "labels_learned": current_labels_learned(  # issue 13
                                           con, profile.id)})
    feedback = FeedbackLinks.from_settings(settings, profile=profile.id, who="digest file",
                                           channel="digest", now=now)
    html_path, text_path = write_digest(digest, out_dir, feedback)
    message = digest_message(digest, sender=settings.smtp_from or settings.contact_email,
                             feedback=feedback,
                             to=options.recipients, date=now,
                             message_id=stable_message_id("digest", profile.id, day.isoformat()))
    eml_path = write_eml(message, out_dir / f"digest-{day.isoformat()}.eml")
    outputs = [str(html_path), str(text_path), str(eml_path)]
    window = DigestWindow(profile=profile.id, day=day, window_start=start, window_end=end,
                          subject=digest.subject, new_items=digest.new_items, quiet=digest.quiet,
                          outputs=outputs, rendered_at=now)
    save_digest(con, window)
    return PreparedDigest(digest=digest, window=window, outputs=outputs)
