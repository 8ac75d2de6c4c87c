"""Ad hoc search of the warehouse: a read replica with FTS (BM25) and a FAISS vector index.

The writer (the daily flow, `horizon index rebuild`) publishes a search replica beside the DuckDB
file; searchers only ever open that replica, read-only, so a search never blocks a run's writes.
The query vector is passed in: this package never loads a model.
"""
