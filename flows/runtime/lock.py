"""One writer at a time: a lock file beside the warehouse, released by the OS if a run dies."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RunInProgress(RuntimeError):
    """Another Horizon run holds the warehouse."""


@contextmanager
def warehouse_lock(db_path: Path) -> Iterator[None]:
    lock_path = db_path.with_name(db_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunInProgress(
                f"another Horizon run ({holder}) is using {db_path}; try again when it finishes"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def lock_waiting(db_path: Path, wait_seconds: float) -> Iterator[None]:
    """The warehouse lock, waiting up to `wait_seconds` for a run that holds it (e.g. the
    07:00 digest) instead of failing at once."""
    deadline = time.monotonic() + wait_seconds
    while True:
        lock = warehouse_lock(db_path)
        try:
            lock.__enter__()
            break
        except RunInProgress:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(5.0, max(0.1, deadline - time.monotonic())))
    try:
        yield
    finally:
        lock.__exit__(None, None, None)
