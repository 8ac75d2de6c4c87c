"""Where the recorded real payloads are, for the tests over them (they stay outside the repo)."""

from __future__ import annotations

from warehouse.settings import Settings


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
