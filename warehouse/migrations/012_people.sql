-- The region's MPs and peers (issue 16): one row per person per profile, rebuilt from the
-- stored Parliament documents and the profile's seats by flows/people.py.
CREATE TABLE people (
    profile TEXT NOT NULL,
    person_id TEXT NOT NULL,            -- mnis:<Parliament member id>, twfy:<ParlParse id>, seat:<slug>
    parliament_id INTEGER,              -- Parliament (MNIS) member id, when a source gives it
    twfy_id TEXT NOT NULL DEFAULT '',   -- ParlParse speaker id (member/NNNN or person/NNNN)
    name TEXT NOT NULL DEFAULT '',      -- '' when the sources gave only a title
    party TEXT NOT NULL DEFAULT '',
    constituency TEXT NOT NULL DEFAULT '',
    peerage TEXT NOT NULL DEFAULT '',
    house TEXT NOT NULL DEFAULT '',
    in_region BOOLEAN NOT NULL DEFAULT false,
    ministerial_role TEXT NOT NULL DEFAULT '',
    aliases TEXT[] NOT NULL DEFAULT [],  -- every name and title the sources used
    PRIMARY KEY (profile, person_id)
);

-- Who took part in which document, in what role, and what they said about the region.
CREATE TABLE contributions (
    profile TEXT NOT NULL,
    document_id UUID NOT NULL,
    person_id TEXT NOT NULL,
    role TEXT NOT NULL,                  -- speaker | asker | answerer | sponsor
    activity TEXT NOT NULL,              -- speech | question | answer | statement | bill
    published_at TIMESTAMPTZ,
    themes TEXT[] NOT NULL DEFAULT [],   -- the document's themes above threshold
    direction TEXT NOT NULL DEFAULT 'neutral',  -- supportive | critical | neutral
    direction_sentence TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',       -- this person's words in the document
    PRIMARY KEY (profile, document_id, person_id, role)
);
CREATE INDEX contributions_person ON contributions (profile, person_id);
