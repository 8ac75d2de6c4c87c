"""Every flow run leaves its run report: a run that breaks is marked failed with why, and each
report is finished and saved however the run ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb

from warehouse.records import RunReport, RunStatus
from warehouse.save import save_run_report


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


@contextmanager
def recorded(con: duckdb.DuckDBPyConnection, reports: list[RunReport], *,
             describe: Callable[[BaseException], str] = error_text,
             keep: Callable[[RunReport], bool] = lambda report: True) -> Iterator[None]:
    """Around a run's work: an exception marks every report failed ("run stopped: ...", as
    `describe` words it) and goes on up; at the end each report is finished and, where `keep`
    says so (asked after the run's outcome is known), saved. What the run stored stays."""
    try:
        yield
    except Exception as error:
        for report in reports:
            report.status = RunStatus.FAILED
            report.notes.append(f"run stopped: {describe(error)}")
        raise
    finally:
        for report in reports:
            report.finished_at = datetime.now(UTC)
            if keep(report):
                save_run_report(con, report)
