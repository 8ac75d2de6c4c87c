"""Ad hoc search of the warehouse: a read replica with FTS (BM25) and a FAISS vector index.

The writer (the daily flow, `horizon index rebuild`) publishes a search replica beside the DuckDB
file; searchers only ever open that replica, read-only, so a search never blocks a run's writes.
The query vector is passed in: this package never loads a model.
"""

import os

# Idle OpenMP threads sleep instead of spinning. FAISS's short parallel scans alternate with ONNX,
# numpy and DuckDB work on the same 2 cores, and threads spinning after a scan held cores the next
# step needed (bench/search.py at 1M chunks: hybrid p95 80 ms spinning, 53 ms passive). OpenMP
# reads this once, when FAISS loads it, hence here, before any module of this package imports
# faiss; an explicit setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
