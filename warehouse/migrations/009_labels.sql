-- The office's own theme judgements (issue 13): who said a document is (yes), is not (no) or is
-- not relevant at all (irrelevant) to a theme, when, and what Horizon showed them at that moment
-- (model version and score), so a refit can learn from them and an audit can replay them.
CREATE TABLE labels (
    label_id UUID PRIMARY KEY,
    labelled_at TIMESTAMPTZ NOT NULL,
    who TEXT NOT NULL,
    document_id UUID NOT NULL,
    profile TEXT NOT NULL,
    theme TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('yes', 'no', 'irrelevant')),
    shown_model_version TEXT NOT NULL DEFAULT '',
    shown_score DOUBLE,
    via TEXT NOT NULL DEFAULT 'cli'
);

-- A theme kept only because it was clearly the document's best (under its threshold).
ALTER TABLE theme_scores ADD COLUMN tentative BOOLEAN DEFAULT FALSE;
