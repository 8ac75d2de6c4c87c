"""Source health, in one place: the digest footer and `horizon sources` both call
`source_status`, so for the same day they say the same ok / stale / failing / empty / degraded."""

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


PROBLEMS = ("failing", "empty", "degraded")


def source_status(last_health: str, newest: datetime | None, *, now: datetime,
                  stale_after_days: int) -> str:
    """failing, empty or degraded (the last run's health), else stale (nothing new stored for
    `stale_after_days` before `now`), else ok."""
    if last_health in PROBLEMS:
        return last_health
    if newest is not None and newest < now - timedelta(days=stale_after_days):
        return "stale"
    return "ok"


def build_source_health(
    reports: list[SourceReport], watermarks: dict[str, datetime], *, now: datetime,
    stale_after_days: int,
) -> SourceHealth:
    """Only the sources needing attention are listed; the rest are counted."""
    problems: list[HealthLine] = []
    healthy = 0
    for report in sorted(reports, key=lambda r: r.source):
        newest = watermarks.get(report.source)
        first_error = clip(report.errors[0], 160) if report.errors else ""
        status = source_status(report.health, newest, now=now,
                               stale_after_days=stale_after_days)
        if status == "failing":
            problems.append(HealthLine(source=report.source, status="failing",
                                       detail=first_error or "nothing landed"))
        elif status == "empty":
            problems.append(HealthLine(source=report.source, status="empty",
                                       detail="listed nothing"))
        elif status == "degraded":
            problems.append(HealthLine(source=report.source, status="degraded",
                                       detail=f"{report.failed} items failed: {first_error}"))
        elif status == "stale":
            problems.append(HealthLine(source=report.source, status="stale",
                                       detail=f"nothing new since {newest:%-d %b %Y}"))
        else:
            healthy += 1
    return SourceHealth(problems=problems, healthy=healthy)
