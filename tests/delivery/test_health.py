from __future__ import annotations

from datetime import UTC, datetime, timedelta

from delivery.health import build_source_health
from warehouse.records import SourceReport

NOW = datetime(2026, 11, 22, 7, tzinfo=UTC)


def test_build_source_health_lists_failing_empty_degraded_and_stale_sources() -> None:
    reports = [
        SourceReport(source="ok", fetched=3, new=3),
        SourceReport(source="down", fetched=2, failed=2, errors=["HTTP 503"]),
        SourceReport(source="empty"),
        SourceReport(source="partly", fetched=3, new=2, failed=1, errors=["bad JSON"]),
        SourceReport(source="old", fetched=1, unchanged=1),
    ]
    health = build_source_health(reports, {"old": NOW - timedelta(days=30),
                                           "ok": NOW - timedelta(hours=2)},
                                 now=NOW, stale_after_days=7)
    assert [(p.source, p.status) for p in health.problems] == [
        ("down", "failing"), ("empty", "empty"), ("old", "stale"), ("partly", "degraded")]
    assert health.healthy == 1
    assert health.problems[0].detail == "HTTP 503"
