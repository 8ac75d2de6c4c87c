"""The CLI as a newcomer meets it: theme names, `horizon themes`, search through a running
`horizon web`, results that fit 80 columns with URLs whole. Constructed search world."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows.cli import app
from flows.cli.search import print_results
from flows.cli.search_remote import search_via_web
from flows.cli.themes import UnknownTheme, resolve_themes
from tests.support.live_server import running
from tests.support.search_world import World, save_world
from warehouse.config.profiles import load_profile
from warehouse.config.settings import get_settings
from web.app import create_app

runner = CliRunner()
LONG_URL = "https://www.gov.uk/government/publications/" + "very-long-slug-" * 8 + "end"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return save_world(tmp_path_factory.mktemp("cli") / "horizon.duckdb")


@pytest.fixture(scope="module")
def wmca():
    return load_profile(get_settings().config_dir, "wmca")


@pytest.mark.parametrize(("typed", "expected"), [
    ("Transport", "transport"), ("transport", "transport"),
    ("Transport (bus, rail and metro)", "transport"), ("net zero", "net_zero"),
    ("NET_ZERO", "net_zero"), ("Housing and regeneration", "housing"), ("hous", "housing"),
])
def test_cli_themes_display_names_resolve_to_ids(wmca, typed: str, expected: str) -> None:
    assert resolve_themes(wmca, [typed]) == [expected]


def test_cli_themes_unknown_name_lists_the_themes(wmca) -> None:
    with pytest.raises(UnknownTheme, match=r"transport \(Transport \(bus, rail and metro\)\)"):
        resolve_themes(wmca, ["Bogus"])


def test_cli_themes_command_lists_ids_and_names_per_profile() -> None:
    result = runner.invoke(app, ["themes"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Themes of wmca" in result.output and "Themes of cpca" in result.output
    assert "Transport (bus, rail and metro)" in result.output and "net_zero" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_cli_search_bad_theme_fails_before_any_work(world: World) -> None:
    result = runner.invoke(app, ["search", "bus", "--theme", "Bogus", "--db", str(world.db)])
    assert result.exit_code == 2
    assert "is not a theme of profile wmca" in result.output


def test_cli_search_bad_profile_is_one_line(world: World) -> None:
    result = runner.invoke(app, ["search", "bus", "--profile", "nope", "--db", str(world.db)])
    assert result.exit_code == 2 and "unknown profile 'nope'" in result.output


def test_cli_search_uses_a_running_web_for_the_same_warehouse(world: World,
                                                              tmp_path: Path) -> None:
    with running(create_app(world.db, encoder=world.encoder)) as url:
        port = int(url.rsplit(":", 1)[1])
        answer = search_via_web(world.db, port, [("q", "Coventry"), ("theme", "growth")])
        assert answer is not None and answer.strong_match
        assert [r["title"] for r in answer.results] == ["Investment Zones extended"]
        other = save_world(tmp_path / "other.duckdb")
        assert search_via_web(other.db, port, [("q", "Coventry")]) is None


def test_cli_search_without_a_server_searches_here(world: World) -> None:
    assert search_via_web(world.db, 9, [("q", "Coventry")]) is None  # nothing listens on 9


def test_cli_search_results_fit_80_columns_and_print_urls_whole() -> None:
    result = {"title": "Bus franchising " * 6, "url": LONG_URL, "source": "govuk_news",
              "kind": "news", "published_at": "2026-11-20T00:00:00Z", "themes": ["transport"],
              "signal": "opportunity",
              "passage": {"chunk_index": 0, "text": "Mayors can franchise buses. " * 12,
                          "highlights": [[0, 6]]},
              "scores": {"fused": 0.03, "dense_rank": 1, "dense_score": 0.7,
                         "keyword_rank": 2, "keyword_score": 2.5, "matched_chunks": 2}}
    out = Console(width=80, record=True, color_system=None)
    print_results("bus franchising", [result], out)
    lines = out.export_text().splitlines()
    assert f"   {LONG_URL}" in lines  # one line, never cut
    assert max(len(line) for line in lines if LONG_URL not in line) <= 80
