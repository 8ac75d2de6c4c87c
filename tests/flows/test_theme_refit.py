"""`horizon themes refit` (flows/tasks/theme_refit.py) on a constructed warehouse: documents written
here, enriched with a bag-of-words stand-in encoder, labelled, refitted and re-scored; and a
constructed development set in the devset's shape (no third-party text)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import flows.tasks.enrich
from flows.cli import app
from flows.tasks.theme_refit import (
    RefitError,
    office_rows,
    record_heads,
    refit_profile,
    rescore_stored,
)
from nlp.config import load_nlp_config
from nlp.enrich import enrich_documents
from nlp.kit import build_kit, load_theme_model
from nlp.theme_fit import FitSettings, Labelled, fit_profile_heads, stack_labelled
from nlp.themes import document_vector, theme_probabilities
from tests.support.factories import make_document
from tests.support.nlp_fakes import HashingEncoder
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.db import connect
from warehouse.labels import current_labels_learned, labels_learned, save_label
from warehouse.save import save_documents, save_enrichments

CONFIG = Settings().config_dir
NOW = datetime(2026, 12, 4, 5, 0, tzinfo=UTC)
TITLES = {  # constructed: (title, the theme the office says it is)
    "bus": ("New bus routes and tram fares for Birmingham", "transport"),
    "homes": ("Affordable homes built on brownfield land", "housing"),
    "nhs": ("Hospital waiting lists and GP appointments", "health"),
    "jobs": ("Apprenticeships and adult skills at colleges", "skills"),
    "fish": ("A dead fish found in the canal", None),
    "mixed": ("Bus station regeneration brings new homes", "housing"),
}


def _warehouse(path: Path | str = ":memory:"):
    """A warehouse of the constructed documents, enriched with phrase heads, and office labels:
    right theme for each, `irrelevant` for the dead fish, one `no` on the mixed one's transport."""
    con = connect(path)
    profile = load_profile(CONFIG, "wmca")
    config = load_nlp_config(CONFIG)
    encoder = HashingEncoder()
    documents = {key: make_document(url=f"https://example.org/{key}", title=title, summary="",
                                    body_text=title) for key, (title, _) in TITLES.items()}
    save_documents(con, list(documents.values()))
    kit = build_kit(profile, encoder, config, CONFIG, with_spacy=False)
    save_enrichments(con, enrich_documents(list(documents.values()), kit, encoder, config),
                     profile="wmca", content_hashes={d.id: d.content_hash
                                                     for d in documents.values()})
    for minute, (key, (_, theme)) in enumerate(TITLES.items()):
        verdict = "yes" if theme else "irrelevant"
        save_label(con, document_id=documents[key].id, profile="wmca",
                   theme=theme or "transport", verdict=verdict, who="office",
                   now=NOW + timedelta(minutes=minute))
    save_label(con, document_id=documents["mixed"].id, profile="wmca", theme="transport",
               verdict="no", who="office", now=NOW + timedelta(minutes=30))
    return con, profile, config, encoder, documents


def _base(profile, encoder) -> Labelled:
    """Constructed base rows: the theme names, as a devset fit would add."""
    texts = [t.name for t in profile.themes] * 2
    vectors = encoder.encode(texts)
    truth = np.array([[i % len(profile.themes) == j for j in range(len(profile.themes))]
                      for i in range(len(texts))])
    return Labelled(vectors, truth, np.ones_like(truth), np.arange(len(texts)) % 2 == 1)


def test_theme_refit_office_rows_follow_the_verdicts() -> None:
    con, profile, *_ = _warehouse()
    rows = office_rows(con, profile)
    assert (rows.labels, rows.documents, rows.without_vectors) == (7, 6, 0)
    themes = [t.id for t in profile.themes]
    # irrelevant: a negative of every theme; the mixed one: housing yes, transport no
    assert rows.data.mask.sum() == len(themes) + 5 + 1
    assert rows.data.truth.sum() == 5
    assert rows.through == NOW + timedelta(minutes=30)


def test_theme_refit_records_a_version_and_rescores_from_stored_vectors(tmp_path: Path) -> None:
    con, profile, config, encoder, documents = _warehouse()
    base = _base(profile, encoder)
    heads, rows = refit_profile(
        con, profile, lambda office: fit_profile_heads(
            profile, encoder, stack_labelled(base, office), FitSettings(),
            {"devset": "constructed sha256:0123456789abcdef"}), NOW)
    version = heads.meta["model_version"]
    assert version == "heads-wmca-20261204T050000-01234567-office7"
    assert heads.model.version == version and heads.meta["office_labels"] == 7

    path = tmp_path / "theme_heads" / "wmca.json"
    record_heads(con, heads, rows, path, NOW)
    assert json.loads(path.read_text())["model_version"] == version
    assert labels_learned(con, "wmca", version) == 7
    assert labels_learned(con, "wmca", "heads-wmca-devset-only") == 0

    assert current_labels_learned(con, "wmca") == 0  # no stored row scored by it yet
    encoder.encode = None  # re-scoring must not encode anything
    assert rescore_stored(con, heads.model, config) == len(documents)
    assert current_labels_learned(con, "wmca") == 7  # the digest footer's N
    rows_after = con.execute("SELECT DISTINCT model_version FROM theme_scores").fetchall()
    assert rows_after == [(version,)]
    bus = documents["bus"].id
    vectors = np.asarray(con.execute(
        "SELECT list(e.vector ORDER BY c.chunk_index) FROM chunks c JOIN chunk_embeddings e"
        " ON e.chunk_id = c.id WHERE c.document_id = ?", [bus]).fetchone()[0], dtype=np.float32)
    expected = theme_probabilities(document_vector(vectors)[None, :], heads.model)[0]
    stored = dict(con.execute("SELECT theme, score FROM theme_scores WHERE document_id = ?",
                              [bus]).fetchall())
    themes = [t.id for t in profile.themes]
    assert [stored[t] for t in themes] == pytest.approx(expected.tolist(), abs=1e-5)


def test_theme_refit_without_labels_is_a_clear_error() -> None:
    con = connect(":memory:")
    with pytest.raises(RefitError, match="no office labels for profile wmca"):
        office_rows(con, load_profile(CONFIG, "wmca"))


def _config_with_heads(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    nlp = config / "nlp.yaml"
    text = nlp.read_text(encoding="utf-8")
    assert "heads_dir:" in text
    nlp.write_text("\n".join("  heads_dir: theme_heads" if line.strip().startswith("heads_dir:")
                             else line for line in text.splitlines()) + "\n", encoding="utf-8")
    return config


def _devset(folder: Path) -> None:
    folder.mkdir()
    lines = []
    for theme, words in {"transport": "bus rail tram trains", "housing": "homes housing land",
                         "health": "hospital nhs gp care", "skills": "colleges skills jobs"
                         }.items():
        for i in range(12):
            lines.append(json.dumps({"id": f"c-{theme}-{i}", "text": f"{words} item {i}",
                                     "source": "constructed", "label_raw": theme,
                                     "themes": [theme]}))
    (folder / "policy_topics_dev.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def refit_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(flows.tasks.enrich, "encoder_for", lambda config_dir: HashingEncoder())
    monkeypatch.setattr(flows.tasks.enrich, "_kits", {})
    flows.tasks.enrich.nlp_config.cache_clear()
    config = _config_with_heads(tmp_path)
    _devset(tmp_path / "devsets")
    monkeypatch.setenv("HORIZON_CONFIG_DIR", str(config))
    monkeypatch.setenv("HORIZON_DEVSETS_DIR", str(tmp_path / "devsets"))
    monkeypatch.setenv("HORIZON_OUT_DIR", str(tmp_path / "out"))
    yield tmp_path
    flows.tasks.enrich.nlp_config.cache_clear()


def test_cli_themes_refit_writes_heads_the_enrichment_loads(refit_env: Path) -> None:
    db = refit_env / "horizon.duckdb"
    con, *_ = _warehouse(db)
    con.close()

    result = CliRunner().invoke(app, ["themes", "refit", "--profile", "wmca", "--db", str(db)])

    assert result.exit_code == 0, result.output
    assert "learned from 7 office labels on 6 documents" in " ".join(result.output.split())
    config_dir = refit_env / "config"
    model = load_theme_model(load_profile(config_dir, "wmca"), HashingEncoder(),
                             load_nlp_config(config_dir), config_dir)
    assert model.version.startswith("heads-wmca-") and model.version.endswith("-office7")
    with connect(db) as con:
        assert con.execute("SELECT DISTINCT model_version FROM theme_scores").fetchall() == [
            (model.version,)]
        assert labels_learned(con, "wmca", model.version) == 7


def test_cli_themes_refit_without_devset_or_labels_fails_clearly(refit_env: Path) -> None:
    db = refit_env / "horizon.duckdb"
    connect(db).close()
    result = CliRunner().invoke(app, ["themes", "refit", "--db", str(db)])
    assert result.exit_code == 2
    assert "no office labels for profile wmca" in " ".join(result.output.split())
    (refit_env / "devsets" / "policy_topics_dev.jsonl").unlink()
    result = CliRunner().invoke(app, ["themes", "refit", "--db", str(db)])
    assert result.exit_code == 2
    assert "development set not found" in " ".join(result.output.split())
