"""Runs over a recorded snapshot: every source pointed at a loopback server replaying it, and
the day a bundled snapshot was written for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from scrapers.replay import serve_snapshot
from warehouse.config.profiles import load_yaml_file
from warehouse.config.settings import Settings


def snapshot_as_of(snapshot: Path) -> date | None:
    """The 'today' a bundled snapshot was written for (snapshot.yaml: as_of), if it says."""
    manifest = snapshot / "snapshot.yaml"
    if not manifest.exists():
        return None
    data = load_yaml_file(manifest)
    value = data.get("as_of") if isinstance(data, dict) else None
    return value if isinstance(value, date) else None


@contextmanager
def replaying(settings: Settings, snapshot: Path | None) -> Iterator[Settings]:
    """Point every source at a loopback server replaying the snapshot, for the run's duration."""
    if snapshot is None:
        yield settings
        return
    if not snapshot.is_dir():
        raise FileNotFoundError(f"snapshot folder not found: {snapshot}")
    with serve_snapshot(snapshot) as url:
        yield settings.model_copy(update={"replay_url": url})
