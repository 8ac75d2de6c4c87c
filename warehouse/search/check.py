"""Consistency of the published search index with the warehouse: same chunks, same content."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from warehouse.search.models import IndexCheck
from warehouse.search.replica import (
    _CURRENT_CHUNKS,
    missing_keyword_files,
    missing_vector_files,
    read_manifest,
    search_dir,
    sql_literal,
)
from warehouse.search.vector_set import VectorSet


def check_search_index(con: duckdb.DuckDBPyConnection, db_path: Path) -> IndexCheck:
    """Compare the warehouse on `con` with the published replica and FAISS index."""
    directory = search_dir(db_path)
    warehouse_chunks = con.execute(
        "SELECT count(*) FROM chunks c JOIN chunk_embeddings e ON e.chunk_id = c.id").fetchone()[0]
    manifest = read_manifest(directory)
    if manifest is None:
        return IndexCheck(ok=warehouse_chunks == 0, warehouse_chunks=warehouse_chunks,
                          missing=warehouse_chunks, problems=["no search index published"])
    check = IndexCheck(ok=True, generation=manifest["generation"],
                       index_kind=manifest.get("index_kind"), warehouse_chunks=warehouse_chunks)
    replica = directory / manifest["replica"]
    for path in (replica, *missing_keyword_files(directory, manifest),
                 *missing_vector_files(directory, manifest)):
        if not path.exists():
            check.problems.append(f"missing file {path.name}")
    if check.problems:
        check.ok = False
        return check
    con.execute(f"ATTACH {sql_literal(replica)} AS chk (READ_ONLY)")
    try:
        current = _CURRENT_CHUNKS.format(w="main")
        check.missing, check.extra, check.stale, check.replica_chunks = con.execute(
            f"WITH cur AS ({current}) SELECT"
            " (SELECT count(*) FROM cur ANTI JOIN chk.chunks r USING (id)),"
            " (SELECT count(*) FROM chk.chunks r ANTI JOIN cur USING (id)),"
            " (SELECT count(*) FROM cur JOIN chk.chunks r USING (id)"
            "  WHERE r.text_hash <> cur.text_hash),"
            " (SELECT count(*) FROM chk.chunks)"
        ).fetchone()
        replica_vids = np.sort(con.execute("SELECT vid FROM chk.chunks").fetchnumpy()["vid"])
    finally:
        con.execute("DETACH chk")
    ids = VectorSet(directory, manifest).ids()
    check.vector_count = len(ids)
    if not np.array_equal(ids, replica_vids.astype(np.int64)):
        check.problems.append(f"FAISS index holds {len(ids)} vectors, replica maps "
                              f"{len(replica_vids)} chunks, and they differ")
    keyword_chunks = sum(s["live"] for s in manifest.get("segments", []))
    if keyword_chunks != check.replica_chunks:
        check.problems.append(f"keyword index covers {keyword_chunks} of "
                              f"{check.replica_chunks} chunks")
    for name, count in (("missing from the index", check.missing),
                        ("in the index but gone from the warehouse", check.extra),
                        ("changed since indexed", check.stale)):
        if count:
            check.problems.append(f"{count} chunks {name}")
    check.ok = not check.problems
    return check
