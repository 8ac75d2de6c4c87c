-- One outbox (delivery/outbox.py): one row per (item, channel, recipient), and the outcome
-- "unknown" (sent, no answer) with its one possible repeat.
--
-- digest_runs is already one row per recipient: it gains the repeat columns.
-- alert_deliveries gains `recipient` in its key: an email alert is one message per recipient
-- (a refusal of one never re-sends to the others). Rows from before 008 were one email to
-- every recipient: they keep recipient '*', which the outbox expands to one row per current
-- recipient, with the old row's status and attempts, the first time it sees them
-- (warehouse/delivery_state.py: adopt_shared_email_rows). Webhook rows have recipient ''.

ALTER TABLE digest_runs ADD COLUMN possible_repeat BOOLEAN DEFAULT false;  -- DuckDB: no NOT NULL here
ALTER TABLE digest_runs ADD COLUMN repeats INTEGER DEFAULT 0;

CREATE TABLE alert_deliveries_008 (
    alert_key TEXT NOT NULL,
    channel TEXT NOT NULL,               -- email, teams, slack
    recipient TEXT NOT NULL DEFAULT '',  -- email: one address ('*': all, before 008); else ''
    profile TEXT NOT NULL,
    document_id UUID NOT NULL,
    kind TEXT NOT NULL,                  -- new, updated, reminder
    fingerprint TEXT NOT NULL,           -- deadline and amounts the alert announced
    payload JSON NOT NULL,               -- the alert as rendered, so a failed send can be retried
    status TEXT NOT NULL,                -- pending, sending, sent, failed, unknown
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    possible_repeat BOOLEAN NOT NULL DEFAULT false,  -- sent again after an unknown outcome
    repeats INTEGER NOT NULL DEFAULT 0,              -- hand-overs since then (at most 1)
    PRIMARY KEY (alert_key, channel, recipient)
);
INSERT INTO alert_deliveries_008
SELECT alert_key, channel, CASE WHEN channel = 'email' THEN '*' ELSE '' END, profile,
       document_id, kind, fingerprint, payload, status, attempts, error, created_at, updated_at,
       sent_at, false, 0
FROM alert_deliveries;
DROP INDEX alert_deliveries_document;
DROP TABLE alert_deliveries;
ALTER TABLE alert_deliveries_008 RENAME TO alert_deliveries;
CREATE INDEX alert_deliveries_document ON alert_deliveries (profile, document_id);
