"""The digest footer on source health: which sources failed, went stale or came back empty."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from delivery.text import clip
from warehouse.records import SourceReport


class HealthLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    status: str  # failing, degraded, empty, stale
    detail: str


class SourceHealth(BaseModel):
    model_config = ConfigDict(frozen=True)

    problems: list[HealthLine]
    healthy: int


def build_source_health(
    reports: list[SourceReport], watermarks: dict[str, datetime], *, now: datetime,
    stale_after_days: int,
) -> SourceHealth:
    """Only the sources needing attention are listed; the rest are counted."""
    problems: list[HealthLine] = []
    healthy = 0
    stale_before = now - timedelta(days=stale_after_days)
    for report in sorted(reports, key=lambda r: r.source):
        newest = watermarks.get(report.source)
        first_error = clip(report.errors[0], 160) if report.errors else ""
        if report.health == "failing":
            problems.append(HealthLine(source=report.source, status="failing",
                                       detail=first_error or "nothing landed"))
        elif report.health == "empty":
            problems.append(HealthLine(source=report.source, status="empty",
                                       detail="listed nothing"))
        elif report.health == "degraded":
            problems.append(HealthLine(source=report.source, status="degraded",
                                       detail=f"{report.failed} items failed: {first_error}"))
        elif newest is not None and newest < stale_before:
            problems.append(HealthLine(source=report.source, status="stale",
                                       detail=f"nothing new since {newest:%-d %b %Y}"))
        else:
            healthy += 1
    return SourceHealth(problems=problems, healthy=healthy)
