"""Where the tests' data lives: the bundled demo snapshot (constructed) and the recorded real
payloads (outside the repository, so tests over them may be skipped)."""

from __future__ import annotations

from pathlib import Path

from warehouse.config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEMO_SNAPSHOT = ROOT / "demo" / "snapshot"


def samples_missing() -> str | None:
    """Why the recorded real payloads cannot be read, or None when they are there.

    They live outside the repository (../shared/samples, or HORIZON_SAMPLES_DIR); CI has them.
    Every test that needs them is skipped with this one reason when they are missing.
    """
    path = Settings().samples_dir
    if (path / "govuk" / "content_api").is_dir():
        return None
    return (f"recorded samples not found at {path} (set HORIZON_SAMPLES_DIR to run the tests "
            "over real payloads)")
