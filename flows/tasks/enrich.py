"""Enrichment step: embed, score and judge documents that are new, changed or scored by an old
model, then group recent documents into stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from flows.runtime.progress import progress_bar
from nlp.config import NlpConfig, load_nlp_config
from nlp.encoder import TextEncoder, load_encoder
from nlp.enrich import enrich_documents, enrich_for_profiles
from nlp.kit import EnrichmentKit, build_kit
from nlp.stories import StoryItem, cluster_ids, cluster_stories
from nlp.themes import document_vector
from warehouse.config.profiles import Profile
from warehouse.insights import load_story_candidates, save_cluster_ids
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


_kits: dict[tuple[Path, str, bool | None], EnrichmentKit] = {}


def kit_for(config_dir: Path, profile: Profile, with_spacy: bool | None = None) -> EnrichmentKit:
    """Theme head, gazetteer and lexicons per profile content, built once per process."""
    key = (config_dir, profile.model_dump_json(), with_spacy)
    if key not in _kits:
        _kits[key] = build_kit(profile, encoder_for(config_dir), nlp_config(config_dir),
                               config_dir, with_spacy=with_spacy)
    return _kits[key]


@task(name="enrich-documents", cache_policy=NONE)
def enrich_pending(con: duckdb.DuckDBPyConnection, profile: Profile, config_dir: Path) -> int:
    """Enrich in batches, saving each batch, so an interrupted run keeps what it finished."""
    logger = get_run_logger()
    config = nlp_config(config_dir)
    pending = documents_needing_enrichment(con, profile.id, config.model_version)
    if not pending:
        return 0
    encoder = encoder_for(config_dir)
    kit = kit_for(config_dir, profile)
    done = 0
    with progress_bar("Enriching documents", len(pending)) as advance:
        for start in range(0, len(pending), BATCH_DOCUMENTS):
            documents = load_documents(con, pending[start:start + BATCH_DOCUMENTS])
            enrichments = enrich_documents(documents, kit, encoder, config)
            save_enrichments(con, enrichments, profile=profile.id,
                             content_hashes={d.id: d.content_hash for d in documents})
            done += len(enrichments)
            advance(len(documents))
            logger.info("enriched %d of %d documents", done, len(pending))
    cluster_recent(con, profile, config, now=datetime.now(UTC))
    return done


@task(name="enrich-documents-for-profiles", cache_policy=NONE)
def enrich_pending_for_profiles(con: duckdb.DuckDBPyConnection, profiles: list[Profile],
                                config_dir: Path) -> dict[str, int]:
    """Several profiles over one warehouse: a document pending for any of them is chunked and
    encoded once, then scored and saved for each profile it is pending for."""
    config = nlp_config(config_dir)
    pending = {p.id: set(documents_needing_enrichment(con, p.id, config.model_version))
               for p in profiles}
    every = sorted(set().union(*pending.values()), key=str)
    done = {p.id: 0 for p in profiles}
    if every:
        encoder = encoder_for(config_dir)
        kits = [kit_for(config_dir, p) for p in profiles]
        with progress_bar("Enriching documents", len(every)) as advance:
            for start in range(0, len(every), BATCH_DOCUMENTS):
                documents = load_documents(con, every[start:start + BATCH_DOCUMENTS])
                hashes = {d.id: d.content_hash for d in documents}
                scored = enrich_for_profiles(documents, kits, encoder, config)
                for profile in profiles:
                    mine = [e for e in scored[profile.id] if e.document_id in pending[profile.id]]
                    save_enrichments(con, mine, profile=profile.id, content_hashes=hashes)
                    done[profile.id] += len(mine)
                advance(len(documents))
    for profile in profiles:
        cluster_recent(con, profile, config, now=datetime.now(UTC))
    return done


def cluster_recent(
    con: duckdb.DuckDBPyConnection, profile: Profile, config: NlpConfig, *, now: datetime
) -> int:
    """Group the profile's recent documents into stories and store each one's cluster id."""
    since = now - timedelta(days=config.clustering.lookback_days)
    candidates = load_story_candidates(con, profile.id, since)
    items = [StoryItem(c.document_id, document_vector(c.chunk_vectors), c.published_at,
                       c.content_hash, c.kind, c.source) for c in candidates]
    return save_cluster_ids(con, profile.id, cluster_ids(cluster_stories(items,
                                                                         config.clustering)))
