"""`horizon status` on a damaged warehouse file says so (a real process, a file with a block
overwritten); bidi controls in scraped text never reach a rendered digest item or alert."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from delivery.alert_render import TITLE_CHARS
from delivery.text import clip, extractive_summary, squash
from tests.support.data_paths import ROOT
from warehouse.db import connect
from warehouse.records import Document, DocumentKind
from warehouse.save import save_documents

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def warehouse(path: Path) -> Path:
    docs = [Document(source="t", kind=DocumentKind.REGIONAL_NEWS, url=f"https://e.org/{n}",
                     title=f"Story {n} " * 20, body_text="words of the story " * 400,
                     fetched_at=datetime(2026, 11, 22, tzinfo=UTC), parser_version="t/1")
            for n in range(300)]
    with connect(path) as con:
        save_documents(con, docs)
        con.execute("CHECKPOINT")
    return path


def status(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", "status", "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "400"})


def test_status_of_a_whole_file_lists_counts(tmp_path: Path) -> None:
    done = status(warehouse(tmp_path / "h.duckdb"))
    assert done.returncode == 0 and "documents" in done.stdout and "300" in done.stdout


def test_status_of_a_damaged_file_says_it_is_damaged(tmp_path: Path) -> None:
    db = warehouse(tmp_path / "h.duckdb")
    size = db.stat().st_size
    with db.open("r+b") as handle:  # a block in the middle of the data, overwritten
        handle.seek(size // 2)
        handle.write(os.urandom(300_000))
    done = status(db)
    assert done.returncode == 1, done.stdout
    assert "is damaged" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("control", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_are_dropped_from_rendered_text(control: str) -> None:
    title = f"Skills fund {control}5m£ esrever{control} opens"
    for rendered in (squash(title), clip(title, TITLE_CHARS),
                     extractive_summary(title + ". More.", "")):
        assert control not in rendered and "Skills fund" in rendered
