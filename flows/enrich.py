"""Enrichment step: embed and score documents that are new, changed or scored by an old model."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from nlp.config import NlpConfig, load_nlp_config
from nlp.encoder import TextEncoder, load_encoder
from nlp.enrich import enrich_documents
from nlp.themes import ThemePrototypes, build_theme_prototypes
from warehouse.profiles import Profile
from warehouse.queries import documents_needing_enrichment, load_documents
from warehouse.save import save_enrichments

BATCH_DOCUMENTS = 64


@cache
def nlp_config(config_dir: Path) -> NlpConfig:
    return load_nlp_config(config_dir)


@cache
def encoder_for(config_dir: Path) -> TextEncoder:
    """One encoder per process: loading the model costs seconds."""
    return load_encoder(nlp_config(config_dir))


_prototypes: dict[tuple[Path, str], ThemePrototypes] = {}


def prototypes_for(config_dir: Path, profile: Profile) -> ThemePrototypes:
    """Theme prototypes per profile content, built once per process."""
    key = (config_dir, profile.model_dump_json())
    if key not in _prototypes:
        _prototypes[key] = build_theme_prototypes(profile, encoder_for(config_dir))
    return _prototypes[key]


@task(name="enrich-documents", cache_policy=NONE)
def enrich_pending(con: duckdb.DuckDBPyConnection, profile: Profile, config_dir: Path) -> int:
    """Enrich in batches, saving each batch, so an interrupted run keeps what it finished."""
    logger = get_run_logger()
    config = nlp_config(config_dir)
    pending = documents_needing_enrichment(con, profile.id, config.model_version)
    if not pending:
        return 0
    encoder = encoder_for(config_dir)
    done = 0
    for start in range(0, len(pending), BATCH_DOCUMENTS):
        documents = load_documents(con, pending[start:start + BATCH_DOCUMENTS])
        enrichments = enrich_documents(documents, profile, encoder, config,
                                       prototypes=prototypes_for(config_dir, profile))
        save_enrichments(con, enrichments, profile=profile.id,
                         content_hashes={d.id: d.content_hash for d in documents})
        done += len(enrichments)
        logger.info("enriched %d of %d documents", done, len(pending))
    return done
