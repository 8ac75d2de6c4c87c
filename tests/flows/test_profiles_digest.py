"""Several profiles on one warehouse: sources collected once, each document encoded once, a
digest and a run report per profile (demo snapshot replayed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import flows.tasks.enrich
from flows.profiles_digest import profiles_digest
from tests.support.data_paths import DEMO_SNAPSHOT
from warehouse.db import connect
from warehouse.records import RunStatus

pytestmark = pytest.mark.slow


def test_profiles_digest_encodes_each_document_once_and_renders_one_digest_per_profile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encoded: list[str] = []
    real = flows.tasks.enrich.enrich_for_profiles

    def counting(documents, kits, *args, **kwargs):
        encoded.extend(str(d.id) for d in documents)
        assert [k.profile.id for k in kits] == ["wmca", "cpca"]
        return real(documents, kits, *args, **kwargs)

    monkeypatch.setattr(flows.tasks.enrich, "enrich_for_profiles", counting)
    db, out = tmp_path / "national.duckdb", tmp_path / "out"
    reports = profiles_digest(["wmca", "cpca"], snapshot=str(DEMO_SNAPSHOT), db=str(db),
                              out=str(out), day=date(2026, 11, 22))
    assert [r.profile for r in reports] == ["wmca", "cpca"]
    assert all(r.status is not RunStatus.FAILED for r in reports)
    with connect(db, read_only=True) as con:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        per_profile = dict(con.execute(
            "SELECT profile, count(DISTINCT document_id) FROM enrichment_state GROUP BY 1"
        ).fetchall())
        runs = con.execute("SELECT count(*) FROM flow_runs").fetchone()[0]
    assert len(encoded) == len(set(encoded)) == documents  # one encoding per document
    assert per_profile == {"wmca": documents, "cpca": documents}
    assert runs == 2
    for report in reports:
        assert report.enriched == documents
        assert any(path.endswith(".txt") for path in map(str, report.outputs))
