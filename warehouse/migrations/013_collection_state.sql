-- Collection never loses an item it has seen listed (issue 12).
-- A listing that stopped at its cap (max_items) before its end: where the next run resumes, with
-- the `since` it was listing from and the newest change time landed so far (the watermark moves
-- there only once the whole listing has landed).
CREATE TABLE source_cursor (
    source TEXT PRIMARY KEY,
    since TIMESTAMPTZ,                 -- NULL: a full listing (--full-refresh)
    next_start INTEGER NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    high TIMESTAMPTZ,                  -- newest last-change time landed under this cursor
    saved_at TIMESTAMPTZ NOT NULL
);

-- Items that failed to parse or fetch, per source; after HORIZON_QUARANTINE_AFTER_ATTEMPTS runs
-- an item is quarantined: it no longer holds the source's watermark and is retried only by
-- `horizon run --retry-quarantined`. A row is deleted when the item lands.
CREATE TABLE item_failures (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL,
    last_failed_at TIMESTAMPTZ NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    quarantined_at TIMESTAMPTZ,
    PRIMARY KEY (source, url)
);
