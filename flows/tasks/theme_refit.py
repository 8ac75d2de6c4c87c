"""`horizon themes refit`: a profile's heads refitted on the office's labels plus the development
data, recorded as a new model version, and the stored documents re-scored with them.

Steps: the labels (warehouse/labels.py) become fitting rows on the documents' stored vectors
(nlp/refit.py); `fit` (the devset fit of flows/cli/theme_fit.py, or the bench's own base) fits
heads, calibration and thresholds on them; the heads file and a theme_models row get the new
version; every stored document of the profile is re-scored from its stored chunk vectors
(nothing is re-encoded) and its theme rows name the new version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import duckdb

from nlp.config import NlpConfig
from nlp.refit import office_labelled, rescore_document
from nlp.theme_fit import FittedHeads, Labelled, heads_to_json
from nlp.themes import ThemeModel
from warehouse.config.profiles import Profile
from warehouse.labels import ThemeModelVersion, labels_for_refit, save_theme_model
from warehouse.rescore import (
    save_rescored,
    scored_documents,
    stored_chunk_vectors,
    stored_evidence,
)

RESCORE_BATCH = 256


class RefitError(RuntimeError):
    """A refit that cannot run (no labels, no vectors for them); the message says why."""


@dataclass(frozen=True)
class OfficeRows:
    data: Labelled
    labels: int
    documents: int
    without_vectors: int
    through: datetime


def office_rows(con: duckdb.DuckDBPyConnection, profile: Profile) -> OfficeRows:
    labels = labels_for_refit(con, profile.id)
    if not labels:
        raise RefitError(f"no office labels for profile {profile.id}: label documents with "
                         "`horizon label`, the digest's links or the search page first")
    vectors = stored_chunk_vectors(con, sorted({label.document_id for label in labels}))
    data, missing = office_labelled(labels, vectors, [t.id for t in profile.themes])
    if len(data.vectors) == 0:
        raise RefitError(f"the {len(labels)} labels of {profile.id} are on documents with no "
                         "stored vectors; run `horizon run` (or `horizon enrich`) first")
    return OfficeRows(data, len(labels), len(data.vectors), len(missing),
                      max(label.labelled_at for label in labels))


def refit_version(profile_id: str, stamp: datetime, devset: str, labels: int) -> str:
    data = devset.split()[-1][7:15] if devset else "nodevset"
    return f"heads-{profile_id}-{stamp:%Y%m%dT%H%M%S}-{data}-office{labels}"


def refit_profile(con: duckdb.DuckDBPyConnection, profile: Profile,
                  fit: Callable[[Labelled], FittedHeads], stamp: datetime
                  ) -> tuple[FittedHeads, OfficeRows]:
    """Heads fitted by `fit` on the office rows (stacked on its own base data), with a new
    model version in their meta and model."""
    rows = office_rows(con, profile)
    heads = fit(rows.data)
    version = refit_version(profile.id, stamp, str(heads.meta.get("devset", "")), rows.labels)
    meta = {**heads.meta, "model_version": version, "fitted_at": stamp.isoformat(
        timespec="seconds"), "office_labels": rows.labels, "office_documents": rows.documents,
        "labels_through": rows.through.isoformat(timespec="seconds")}
    return replace(heads, model=replace(heads.model, version=version), meta=meta), rows


def record_heads(con: duckdb.DuckDBPyConnection, heads: FittedHeads, rows: OfficeRows,
                 path: Path, stamp: datetime) -> None:
    """Write the heads file and the theme_models row naming its version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(heads_to_json(heads), encoding="utf-8")
    partial.replace(path)
    save_theme_model(con, ThemeModelVersion(
        model_version=heads.meta["model_version"], profile=heads.model.profile_id,
        fitted_at=stamp, office_labels=rows.labels, labels_through=rows.through,
        devset=str(heads.meta.get("devset", ""))))


def rescore_stored(con: duckdb.DuckDBPyConnection, model: ThemeModel, config: NlpConfig,
                   advance: Callable[[int], None] = lambda n: None) -> int:
    """Re-score every stored document of the model's profile from its stored chunk vectors."""
    done = 0
    ids = scored_documents(con, model.profile_id)
    for start in range(0, len(ids), RESCORE_BATCH):
        batch = ids[start:start + RESCORE_BATCH]
        vectors = stored_chunk_vectors(con, batch)
        evidence = stored_evidence(con, model.profile_id, batch)
        if any(v.shape[1] != model.dimension for v in vectors.values()):
            raise RefitError(f"stored vectors are not {model.dimension}-dimensional: the "
                             "warehouse was enriched with another encoder; run `horizon run`")
        scores = [score for document_id in batch if document_id in vectors
                  for score in rescore_document(document_id, vectors[document_id],
                                                evidence.get(document_id, {}), model, config)]
        save_rescored(con, scores)
        done += len(batch)
        advance(len(batch))
    return done

