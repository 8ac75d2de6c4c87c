"""`horizon classify` round-trips a JSON-lines file, hostile lines included, one output per line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows.tasks.enrich
from flows.cli import app
from tests.support.nlp_fakes import HashingEncoder


@pytest.fixture
def fake_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows.tasks.enrich, "encoder_for", lambda config_dir: HashingEncoder())
    monkeypatch.setattr(flows.tasks.enrich, "_kits", {})


def test_cli_classify_round_trips_hostile_input(tmp_path: Path, fake_encoder: None) -> None:
    source = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "bus", "title": "Bus franchising in the West Midlands",
                    "description": "The Mayor takes control of buses.",
                    "body_text": "New bus routes and capped fares across Birmingham."}).encode(),
        json.dumps({"id": "empty", "title": "", "description": "", "body_text": ""}).encode(),
        json.dumps({"id": "big", "title": "Long", "body_text": "Funding for homes. " * 55_000
                    }).encode(),
        json.dumps({"id": "html", "title": "<h1>Skills</h1>",
                    "body_text": "<p>Apprenticeships &amp; <b>colleges</b></p><script>x()"
                    "</script>"}).encode(),
        b'{"id": "bytes", "title": "caf\xe9 \xff\xfe", "body_text": "\x00\x01 text"}',
        b"not json at all",
        b"[1, 2, 3]",
        b"",
        json.dumps({"id": 7}).encode(),
    ]
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "labels.jsonl"

    result = CliRunner().invoke(app, ["classify", "--profile", "wmca", "--in", str(source),
                                      "--out", str(out), "--no-spacy"])

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["bus", "empty", "big", "html", "bytes", "line-6",
                                       "line-7", "line-8", "7"]
    for row in rows:
        assert set(row) >= {"id", "themes", "signal", "signal_reason", "region_score", "places",
                            "funding"}
        assert row["signal"] in {"threat", "opportunity", "neutral"}
        assert 0.0 <= row["region_score"] <= 1.0
        for theme in row["themes"]:
            assert 0.0 <= theme["score"] <= 1.0
    assert rows[0]["places"] and rows[0]["region_score"] > 0
    assert "error" in rows[5] and "error" in rows[6] and "error" in rows[7]
    assert "error" not in rows[2]


def test_cli_classify_missing_input_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["classify", "--in", str(tmp_path / "none.jsonl"),
                                      "--out", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
