"""Search over the replayed samples after a real daily run (real encoder), through the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows.cli import app
from flows.cli.search import print_results
from flows.daily_digest import daily_digest
from warehouse.db import connect
from warehouse.records import RunReport

pytestmark = pytest.mark.slow
runner = CliRunner()
# The GOV.UK Content API sources hold the documents the queries below are about; other sources
# would only make the run slower.
GOVUK = ["govuk_news", "govuk_policy", "govuk_statistics", "govuk_guidance"]


@pytest.fixture(scope="module")
def samples_run(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, RunReport]:
    base = tmp_path_factory.mktemp("search-samples")
    db = base / "horizon.duckdb"
    report = daily_digest(profile="wmca", snapshot=str(samples_dir), db=str(db),
                          out=str(base / "out"), day=date(2026, 11, 22), only_sources=GOVUK)
    return db, report


def titles(db: Path, *args: str) -> list[str]:
    result = runner.invoke(app, ["search", *args, "--db", str(db), "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert all({"id", "title", "url", "score"} <= set(item) for item in found)
    return [item["title"] for item in found]


def test_search_flow_daily_run_publishes_a_consistent_index(samples_run) -> None:
    db, report = samples_run
    assert any(note.startswith("search index generation 1") for note in report.notes)
    result = runner.invoke(app, ["index", "check", "--db", str(db)])
    assert result.exit_code == 0 and "consistent" in result.stdout


@pytest.mark.parametrize(("query", "expected"), [
    ("HMP Birmingham", "Statement to Commons on HMP Birmingham"),
    ('"European Structural and Investment Funds"',
     "England 2014 to 2020 European Structural and Investment Funds"),
    ("NIC elections", "Employee Share Schemes: NIC elections"),
])
def test_search_flow_exact_names_come_first(samples_run, query: str, expected: str) -> None:
    assert titles(samples_run[0], query)[0] == expected


def test_search_flow_acronym_finds_documents_naming_it(samples_run) -> None:
    assert all("GCSE" in title for title in titles(samples_run[0], "GCSE")[:1])


@pytest.mark.parametrize(("query", "expected"), [
    ("e-cigarettes and teenagers", "Youth Vaping"),
    ("riot at a prison in the West Midlands", "Statement to Commons on HMP Birmingham"),
    ("wind farms on land", "Onshore wind: part of the UK's energy mix"),
])
def test_search_flow_paraphrases_find_the_document(samples_run, query: str,
                                                   expected: str) -> None:
    assert titles(samples_run[0], query)[0] == expected


def test_search_flow_kind_filter_and_readable_table(samples_run) -> None:
    db = samples_run[0]
    found = titles(db, "funding", "--kind", "consultation")
    with connect(db, read_only=True) as con:
        consultations = {r[0] for r in con.execute(
            "SELECT title FROM documents WHERE kind = 'consultation'").fetchall()}
    assert found and set(found) <= consultations
    table = runner.invoke(app, ["search", "money for schools", "--db", str(db), "--limit", "2"])
    assert table.exit_code == 0 and "2 results for money for schools" in table.stdout
    results = json.loads(runner.invoke(app, ["search", "money for schools", "--db", str(db),
                                             "--json", "--limit", "2"]).stdout)
    wide = Console(width=250, record=True)
    print_results("money for schools", results, wide)
    text = wide.export_text()
    assert "School revenue funding settlement for 2017 to 2018" in text
    assert "keyword #" in text and "meaning #" in text


def test_search_flow_check_detects_drift_and_rebuild_repairs(samples_run, tmp_path: Path
                                                             ) -> None:
    import shutil

    db = tmp_path / "horizon.duckdb"
    shutil.copy(samples_run[0], db)
    shutil.copytree(samples_run[0].with_name("horizon.search"), tmp_path / "horizon.search")
    with connect(db) as con:  # a run that wrote chunks and died before publishing
        con.execute("DELETE FROM chunks WHERE chunk_index = 1")
    result = runner.invoke(app, ["index", "check", "--db", str(db)])
    assert result.exit_code == 1 and "gone from the warehouse" in result.stdout
    assert runner.invoke(app, ["index", "rebuild", "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["index", "check", "--db", str(db)]).exit_code == 0
