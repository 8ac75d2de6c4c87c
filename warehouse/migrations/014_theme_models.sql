-- Each refit of a profile's theme heads from the office's labels (issue 13, `horizon themes refit`):
-- the model version written into the heads file and into the theme_scores rows it re-scored, how
-- many office labels it learned from and the time of the last one, so a stored score, a label's
-- shown_model_version and the digest footer can all name the heads behind them.
CREATE TABLE theme_models (
    model_version TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    fitted_at TIMESTAMPTZ NOT NULL,
    office_labels INTEGER NOT NULL,
    labels_through TIMESTAMPTZ,
    devset TEXT NOT NULL DEFAULT ''
);
