"""`horizon brief` on the constructed brief warehouse (fake encoder, real wmca profile)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from nlp.query_encoder import QueryEncoder
from tests.support.brief_world import BriefWorld, save_brief_world
from tests.support.search_world import FakeEncoder

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> BriefWorld:
    return save_brief_world(tmp_path_factory.mktemp("clibrief") / "horizon.duckdb")


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nlp.query_encoder.load_query_encoder", lambda *_a, **_k: QueryEncoder(
        FakeEncoder()))


def test_cli_brief_writes_the_chosen_formats(world: BriefWorld, tmp_path: Path) -> None:
    result = runner.invoke(app, ["brief", "bus franchising", "--db", str(world.db), "--until",
                                 "2026-11-22", "--out", str(tmp_path), "--format", "md,html"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["brief-2026-11-22-bus-franchising.html",
                       "brief-2026-11-22-bus-franchising.md"]
    assert "all verbatim" in result.output


@pytest.mark.parametrize("topic", ["", "zzqx vorpal flibbertigibbet"])
def test_cli_brief_nothing_matches_exits_1_with_nearest(world: BriefWorld, tmp_path: Path,
                                                       topic: str) -> None:
    result = runner.invoke(app, ["brief", topic, "--db", str(world.db), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "nothing in the warehouse matches" in result.output
    assert "Nearest topics: theme:" in " ".join(result.output.split())
    assert not list(tmp_path.iterdir())


def test_cli_brief_on_a_story(world: BriefWorld, tmp_path: Path) -> None:
    story = str(world.ids["bus-franchising-fund"])
    result = runner.invoke(app, ["brief", "--story", story, "--db", str(world.db), "--out",
                                 str(tmp_path), "--format", "md"])
    assert result.exit_code == 0, result.output


def test_cli_brief_rejects_a_bad_format_and_id(world: BriefWorld) -> None:
    assert runner.invoke(app, ["brief", "bus", "--db", str(world.db), "--format",
                               "exe"]).exit_code == 2
    assert runner.invoke(app, ["brief", "--like", "nope", "--db", str(world.db)]).exit_code == 2
