-- Backfill windows already stored (issue 17): `horizon backfill` skips them when resumed.
-- One row per (source, window), written by the one writer after the window's documents and
-- their enrichments are saved.
CREATE TABLE backfill_windows (
    source TEXT NOT NULL,
    window_start DATE NOT NULL,
    window_end DATE NOT NULL,  -- exclusive
    profile TEXT NOT NULL,
    documents INTEGER NOT NULL,
    enriched INTEGER NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, window_start, window_end, profile)
);
