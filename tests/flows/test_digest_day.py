"""The digest's own "now" (issue 11): a day's digest judges deadlines at that day's 07:00,
whatever the wall clock. Constructed documents in a real warehouse; prepare_digest, no Prefect."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from delivery.digest_prepare import prepare_digest
from tests.support.delivery_world import bus_story, store
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.db import connect
from warehouse.records import DocumentKind, Signal

ROOT = Path(__file__).resolve().parents[2]
CLOSES = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)


def _digest(db: Path, day: date, out: Path):
    profile = load_profile(ROOT / "config", "wmca")
    with connect(db) as con:
        return prepare_digest(con, profile, day, out, Settings(config_dir=ROOT / "config"),
                              now=datetime.now(UTC), source_reports=[]).digest


def test_prepare_digest_judges_a_past_day_at_its_own_morning(tmp_path: Path) -> None:
    db = tmp_path / "horizon.duckdb"
    consultation = bus_story(kind=DocumentKind.CONSULTATION, closes_at=CLOSES,
                             url="https://www.gov.uk/government/consultations/police-formula",
                             title="Police funding formula for the West Midlands",
                             published_at=datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    store(db, consultation, seen=datetime.now(UTC) - timedelta(minutes=5),
          themes={"transport": 0.8},
          insight={"signal": Signal.THREAT, "signal_score": 0.7, "signal_reason": "cuts",
                   "region_score": 0.9, "places": ["West Midlands"]})
    first = _digest(db, date(2026, 11, 22), tmp_path / "out")
    [item] = [i for s in first.sections if s.key == "actions" for g in s.groups for i in g.items]
    assert item.days_left == 8  # the wall clock (December 2026 or later) would say "closed"
    later = _digest(db, date(2026, 11, 29), tmp_path / "out")
    [again] = [i for s in later.sections if s.key == "actions" for g in s.groups for i in g.items]
    assert again.days_left == 1 and again.new is False
    assert later.nothing_new and not later.quiet  # a reminder, sent although nothing is new
