-- Per-source health across runs: when it last worked, last failed and why, what it last yielded,
-- and how many runs in a row it yielded nothing (a source that used to yield and now yields
-- nothing is unhealthy, not quiet).
CREATE TABLE source_state (
    source TEXT PRIMARY KEY,
    last_run_at TIMESTAMPTZ NOT NULL,
    last_health TEXT NOT NULL,
    last_success_at TIMESTAMPTZ,       -- last run in which at least one record landed
    last_error_at TIMESTAMPTZ,
    last_error TEXT NOT NULL DEFAULT '',
    last_listed INTEGER NOT NULL DEFAULT 0,
    last_yield_at TIMESTAMPTZ,         -- last run that listed any record
    last_yield INTEGER NOT NULL DEFAULT 0,
    consecutive_empty_runs INTEGER NOT NULL DEFAULT 0,
    consecutive_failed_runs INTEGER NOT NULL DEFAULT 0,
    runs INTEGER NOT NULL DEFAULT 0
);

-- Conditional fetching: what each listing or feed looked like last time it was read whole.
CREATE TABLE source_http_cache (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    body_hash TEXT NOT NULL,
    records INTEGER NOT NULL DEFAULT 0,
    fetched_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, url)
);
