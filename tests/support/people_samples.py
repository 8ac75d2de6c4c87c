"""Builders of Parliament documents from the recorded samples and the demo week."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from scrapers.parliament import hansard_api, written_questions
from scrapers.parliament.parlparse import parse_parlparse
from warehouse.records import Document

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "snapshot" / "parliament"
FETCHED = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def parlparse_documents(folder: Path) -> list[Document]:
    documents: list[Document] = []
    for file in sorted(folder.glob("*.xml")):
        found, errors = parse_parlparse(file.read_bytes(), source="parliament_debates",
                                        fetched_at=FETCHED)
        assert errors == []
        documents += found
    return documents


def question_documents(file: Path) -> list[Document]:
    data = json.loads(file.read_text(encoding="utf-8"))
    return [written_questions.parse_question(r["value"], source="parliament_wq",
                                             fetched_at=FETCHED) for r in data["results"]]


def demo_documents() -> list[Document]:
    """The demo week's Parliament items (invented; demo/snapshot/README.md)."""
    debate = json.loads((DEMO / "mirror" / "hansard-api.parliament.uk" / "debates" / "debate" /
                         "A1B2C3D4-0000-4000-8000-000000000001.json").read_text())
    return [*parlparse_documents(DEMO / "twfy_parlparse_xml"),
            *question_documents(DEMO / "written_questions_api" /
                                "questions_answered_2026-11-20.json"),
            hansard_api.parse_debate(debate, source="parliament_hansard", fetched_at=FETCHED)]
