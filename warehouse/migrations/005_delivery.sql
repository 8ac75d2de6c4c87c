-- Delivery state: which digests were cut for which window, which were sent to whom, and which
-- funding alerts and reminders went out on which channel. Unique keys make every send
-- exactly-once: a row is written (status 'pending') before the send and updated after it.

-- One digest per profile and day: the window of changes it covers (reproducible re-renders).
CREATE TABLE digests (
    profile TEXT NOT NULL,
    day DATE NOT NULL,
    window_start TIMESTAMPTZ,            -- exclusive; NULL: from the beginning
    window_end TIMESTAMPTZ NOT NULL,     -- inclusive
    subject TEXT NOT NULL,
    new_items INTEGER NOT NULL,
    quiet BOOLEAN NOT NULL,
    outputs TEXT[] NOT NULL DEFAULT [],
    rendered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (profile, day)
);

-- One row per (profile, day, recipient): the digest is sent to each recipient once.
CREATE TABLE digest_runs (
    profile TEXT NOT NULL,
    day DATE NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,                -- pending, sent, failed, quiet (nothing new, not sent)
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    PRIMARY KEY (profile, day, recipient)
);

-- One row per (alert key, channel): new-call alerts, "updated" alerts and deadline reminders.
-- The alert key names what is alerted (profile, document, kind, and the deadline or change).
CREATE TABLE alert_deliveries (
    alert_key TEXT NOT NULL,
    channel TEXT NOT NULL,               -- email, teams, slack
    profile TEXT NOT NULL,
    document_id UUID NOT NULL,
    kind TEXT NOT NULL,                  -- new, updated, reminder
    fingerprint TEXT NOT NULL,           -- deadline and amounts the alert announced
    payload JSON NOT NULL,               -- the alert as rendered, so a failed send can be retried
    status TEXT NOT NULL,                -- pending, sent, failed
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    PRIMARY KEY (alert_key, channel)
);
CREATE INDEX alert_deliveries_document ON alert_deliveries (profile, document_id);
