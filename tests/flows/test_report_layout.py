"""The run report, `horizon sources` and the progress bar at an 80-column terminal."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from delivery.health import build_source_health, source_status
from flows.cli import app
from flows.cli.run_report import print_run_report
from flows.runtime.progress import progress_bar
from flows.tasks.collect import record_health
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.db import connect
from warehouse.records import RunReport, SourceReport
from warehouse.save import save_watermark

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
LONGEST = max(load_profile(Settings().config_dir, "wmca").sources, key=len)


def test_run_report_fits_80_columns_with_source_names_whole() -> None:
    report = RunReport(run_id=uuid.uuid4(), flow="daily_digest", profile="wmca", started_at=NOW,
                       sources=[SourceReport(source=LONGEST, fetched=12345, new=1234,
                                             updated=123, unchanged=12345, failed=12,
                                             errors=["https://x: HTTP 500 " + "y" * 120]),
                                SourceReport(source="govuk_news", fetched=3, new=3)])
    out = Console(width=80, record=True, color_system=None)
    print_run_report(report, out)
    lines = out.export_text().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith(LONGEST + " ") for line in lines)
    assert "…" not in "\n".join(lines)


def test_sources_and_digest_footer_say_the_same_for_the_same_day(tmp_path: Path) -> None:
    db = tmp_path / "h.duckdb"
    old = NOW - timedelta(days=20)
    with connect(db) as con:
        record_health(con, [SourceReport(source="wmca_news", fetched=2, new=2),
                            SourceReport(source="govuk_news", fetched=2, new=2)], {})
        save_watermark(con, "wmca_news", old)
        save_watermark(con, "govuk_news", NOW - timedelta(days=1))
    footer = build_source_health([SourceReport(source="wmca_news", fetched=2, new=2),
                                  SourceReport(source="govuk_news", fetched=2, new=2)],
                                 {"wmca_news": old, "govuk_news": NOW - timedelta(days=1)},
                                 now=NOW, stale_after_days=7)
    assert [(p.source, p.status) for p in footer.problems] == [("wmca_news", "stale")]
    result = CliRunner().invoke(app, ["sources", "--db", str(db), "--date", "2026-11-22"],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "stale (2 Nov)" in rows["wmca_news"] and " ok " in rows["govuk_news"]
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_source_status_order_problems_then_stale_then_ok() -> None:
    old = NOW - timedelta(days=30)
    assert source_status("failing", old, now=NOW, stale_after_days=7) == "failing"
    assert source_status("ok", old, now=NOW, stale_after_days=7) == "stale"
    assert source_status("ok", None, now=NOW, stale_after_days=7) == "ok"


def test_progress_bar_draws_on_a_terminal_and_stays_silent_in_a_pipe() -> None:
    terminal = io.StringIO()
    with progress_bar("Enriching documents", 3,
                      Console(file=terminal, force_terminal=True, width=80)) as advance:
        advance(3)
    assert "Enriching documents" in terminal.getvalue() and "3/3" in terminal.getvalue()
    pipe = io.StringIO()
    with progress_bar("Enriching documents", 3, Console(file=pipe)) as advance:
        advance(3)
    assert pipe.getvalue() == ""
