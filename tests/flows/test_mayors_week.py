"""The Mayor's week flow on the constructed brief warehouse, and its paused Friday deployment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.cli.serve import load_deployments
from flows.mayors_week import mayors_week
from nlp.query_encoder import QueryEncoder
from tests.support.brief_world import save_brief_world
from tests.support.search_world import FakeEncoder


def test_mayors_week_writes_one_brief_per_theme_with_stories(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = save_brief_world(tmp_path / "horizon.duckdb")
    monkeypatch.setattr("nlp.query_encoder.load_query_encoder", lambda *_a, **_k: QueryEncoder(
        FakeEncoder()))
    written = mayors_week(profile="wmca", db=str(world.db), out=str(tmp_path / "out"),
                          day=date(2026, 11, 22), formats=("md",))
    assert [Path(p).name for p in written] == ["mayors-week-2026-11-22-transport.md"]
    text = Path(written[0]).read_text(encoding="utf-8")
    assert "# Briefing: Transport" in text and "Fishing" not in text


def test_mayors_week_deployment_is_friday_1600_london_and_paused() -> None:
    deployment = {d.name: d for d in load_deployments()}["mayors-week-wmca"]
    [schedule] = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 16 * * 5",
                                                                   "Europe/London")
    assert schedule.active is False
    assert deployment.flow_name == "mayors_week"
