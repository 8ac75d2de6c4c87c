-- Per-profile judgement of each document: signal, place relevance, funding facts, story cluster.
CREATE TABLE document_insights (
    document_id UUID NOT NULL,
    profile TEXT NOT NULL,
    signal TEXT NOT NULL,
    signal_score DOUBLE NOT NULL,
    signal_reason TEXT NOT NULL DEFAULT '',
    matched_terms TEXT[] NOT NULL DEFAULT [],
    region_score DOUBLE NOT NULL,
    places TEXT[] NOT NULL DEFAULT [],
    people TEXT[] NOT NULL DEFAULT [],
    funding JSON,
    cluster_id UUID,
    model_version TEXT NOT NULL,
    PRIMARY KEY (document_id, profile)
);
CREATE INDEX document_insights_cluster ON document_insights (cluster_id);
