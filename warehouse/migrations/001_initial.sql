-- The system of record. Timestamps are TIMESTAMPTZ (stored as UTC instants).
CREATE TABLE documents (
    id UUID PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    fetched_at TIMESTAMPTZ NOT NULL,
    organisations TEXT[] NOT NULL DEFAULT [],
    people TEXT[] NOT NULL DEFAULT [],
    tags TEXT[] NOT NULL DEFAULT [],
    source_type TEXT NOT NULL DEFAULT '',
    opens_at TIMESTAMPTZ,
    closes_at TIMESTAMPTZ,
    withdrawn_at TIMESTAMPTZ,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    funding JSON,
    metadata JSON NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_changed_at TIMESTAMPTZ NOT NULL,  -- when Horizon last saw its content change
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE chunks (
    id UUID PRIMARY KEY,
    document_id UUID NOT NULL,
    chunk_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chunks_document ON chunks (document_id);

CREATE TABLE chunk_embeddings (
    chunk_id UUID PRIMARY KEY,
    document_id UUID NOT NULL,
    model_version TEXT NOT NULL,
    vector FLOAT[384] NOT NULL
);

CREATE TABLE theme_scores (
    document_id UUID NOT NULL,
    profile TEXT NOT NULL,
    theme TEXT NOT NULL,
    score DOUBLE NOT NULL,
    above_threshold BOOLEAN NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL,
    PRIMARY KEY (document_id, profile, theme)
);

-- Which content version of a document was enriched, by which model, for which profile.
CREATE TABLE enrichment_state (
    document_id UUID NOT NULL,
    profile TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    model_version TEXT NOT NULL,
    enriched_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, profile)
);

-- Incremental collection: the newest change time stored per source.
CREATE TABLE source_watermarks (
    source TEXT PRIMARY KEY,
    watermark TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE flow_runs (
    run_id UUID PRIMARY KEY,
    flow TEXT NOT NULL,
    profile TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status TEXT NOT NULL,
    enriched INTEGER NOT NULL DEFAULT 0,
    outputs TEXT[] NOT NULL DEFAULT [],
    notes TEXT[] NOT NULL DEFAULT []
);

CREATE TABLE flow_run_sources (
    run_id UUID NOT NULL,
    source TEXT NOT NULL,
    fetched INTEGER NOT NULL,
    new INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    health TEXT NOT NULL,
    errors TEXT[] NOT NULL DEFAULT [],
    PRIMARY KEY (run_id, source)
);
