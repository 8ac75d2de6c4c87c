-- Each publication of the search replica (FTS + FAISS index beside the warehouse file).
CREATE TABLE search_publications (
    generation INTEGER PRIMARY KEY,
    published_at TIMESTAMPTZ NOT NULL,
    index_kind TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    added INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    rebuilt BOOLEAN NOT NULL,
    fingerprint TEXT NOT NULL,
    seconds DOUBLE NOT NULL
);
