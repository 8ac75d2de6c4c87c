"""Publishing the search replica: a read-only copy of what search needs, plus the FAISS index.

Beside `horizon.duckdb` lives `horizon.search/` with `manifest.json` naming the current generation's
`replica-NNNNNN.duckdb` (documents, chunks with their FAISS ids, themes, insights, FTS index) and
`vectors-NNNNNN.faiss`. The writer builds a new generation in temporary files, renames them into
place, then replaces the manifest atomically: searchers see the old generation or the new one,
never a mix, and never open the warehouse itself (DuckDB lets one process write it).

The vector index is updated incrementally: a chunk keeps its FAISS id (`vid`) while its text and
model are unchanged; changed and removed chunks are taken out, new ones added.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.search import vectors
from warehouse.search.keyword import build_keyword_index, postings_files
from warehouse.search.models import PublishReport

MANIFEST = "manifest.json"
_KEEP_GENERATIONS = 2
# Chunks with a vector, and what identifies their content (text and model).
_CURRENT_CHUNKS = (
    "SELECT c.id, c.document_id, c.chunk_index, c.text,"
    " md5(c.text || '\x1f' || e.model_version) AS text_hash"
    " FROM {w}.chunks c JOIN {w}.chunk_embeddings e ON e.chunk_id = c.id"
)


def sql_literal(path: Path) -> str:
    """A path as a SQL string literal (quotes doubled), for statements that take no parameters."""
    return "'" + str(path).replace("'", "''") + "'"


def search_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".search")


def read_manifest(directory: Path) -> dict | None:
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _write_manifest(directory: Path, manifest: dict) -> None:
    tmp = directory / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp, directory / MANIFEST)


def warehouse_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a chunk, a vector's model, a document or an enrichment changes."""
    chunks = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(c.id, md5(c.text), e.model_version)), 0)"
        " FROM chunks c JOIN chunk_embeddings e ON e.chunk_id = c.id"
    ).fetchone()
    docs = con.execute(
        "SELECT count(*), max(last_changed_at), (SELECT max(enriched_at) FROM enrichment_state),"
        " (SELECT count(*) FROM document_insights), (SELECT count(*) FROM contributions)"
        " FROM documents"
    ).fetchone()
    return "|".join(str(part) for part in (*chunks, *docs))


def _previous(directory: Path, manifest: dict | None) -> tuple[Path, Path] | None:
    if not is_current_format(manifest):  # none, or written by an older Horizon
        return None
    replica, index = directory / manifest["replica"], directory / manifest["vectors"]
    others = [directory / manifest["texts"], *postings_files(directory / manifest["postings"])]
    present = replica.exists() and index.exists() and all(p.exists() for p in others)
    return (replica, index) if present else None


def is_current_format(manifest: dict | None) -> bool:
    """Whether this Horizon can search the generation (older ones lack files it reads)."""
    return bool(manifest) and "texts" in manifest and "postings" in manifest


def publish_search_index(con: duckdb.DuckDBPyConnection, db_path: Path, *,
                         full: bool = False, index_kind: str | None = None) -> PublishReport:
    """Build and publish a new generation from the warehouse open on `con` (the writer's)."""
    started = time.perf_counter()
    directory = search_dir(db_path)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(directory)
    generation = (manifest["generation"] + 1) if manifest else 1
    previous = None if full else _previous(directory, manifest)
    fingerprint = warehouse_fingerprint(con)
    replica_name = f"replica-{generation:06d}.duckdb"
    vectors_name = f"vectors-{generation:06d}.faiss"
    tmp_replica = directory / f".{replica_name}.tmp"
    for stale in (tmp_replica, tmp_replica.with_name(tmp_replica.name + ".wal")):
        stale.unlink(missing_ok=True)

    next_vid = int(manifest.get("next_vid", 0)) if (manifest and previous) else 0
    con.execute(f"ATTACH {sql_literal(tmp_replica)} AS rep")  # ATTACH takes no parameters
    try:
        if previous:
            con.execute(f"ATTACH {sql_literal(previous[0])} AS prev (READ_ONLY)")
        _copy_tables(con, previous is not None, next_vid)
        removed = (np.array([r[0] for r in con.execute(
            "SELECT vid FROM prev.chunks ANTI JOIN rep.chunks USING (vid)").fetchall()],
            dtype=np.int64) if previous else np.zeros(0, dtype=np.int64))
        added_ids, added_vectors = _vectors(con, next_vid)
        count, top = con.execute("SELECT count(*), max(vid) FROM rep.chunks").fetchone()
    finally:
        for alias in ("rep", "prev"):
            if alias in {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()"
                                                   ).fetchall()}:
                con.execute(f"DETACH {alias}")

    kind = index_kind or ("exact" if count <= vectors.EXACT_MAX_VECTORS else "ivf")
    vector_started = time.perf_counter()
    rebuilt = True
    if previous and not index_kind:
        index = vectors.read_index(previous[1])
        if vectors.index_kind(index) == kind or (kind == "exact" and count > 0 and
                                                 vectors.index_kind(index) == "ivf"):
            vectors.update_index(index, removed, added_ids, added_vectors)
            rebuilt = False
    if rebuilt:
        index = vectors.build_index(added_ids, added_vectors, kind=kind)
    vector_seconds = time.perf_counter() - vector_started

    texts_name = f"texts-{generation:06d}.bin"
    postings_name = f"postings-{generation:06d}"
    with duckdb.connect(str(tmp_replica)) as rep:
        keyword_started = time.perf_counter()
        build_keyword_index(rep, directory / postings_name)
        keyword_seconds = time.perf_counter() - keyword_started
        rep.execute("CHECKPOINT")
        write_texts(rep, directory / texts_name)
    vectors.write_index(index, directory / vectors_name)
    os.replace(tmp_replica, directory / replica_name)
    report = PublishReport(generation=generation, index_kind=vectors.index_kind(index),
                           chunks=count, added=len(added_ids), removed=len(removed),
                           rebuilt=rebuilt, seconds=round(time.perf_counter() - started, 3),
                           keyword_seconds=round(keyword_seconds, 3),
                           vector_seconds=round(vector_seconds, 3))
    _write_manifest(directory, {
        "generation": generation, "replica": replica_name, "vectors": vectors_name,
        "texts": texts_name, "postings": postings_name,
        "index_kind": report.index_kind, "chunks": count,
        "next_vid": max(next_vid, (top or -1) + 1), "fingerprint": fingerprint,
        "published_at": datetime.now(UTC).isoformat(),
    })
    con.execute(
        "INSERT OR REPLACE INTO search_publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [generation, datetime.now(UTC), report.index_kind, count, report.added, report.removed,
         rebuilt, fingerprint, report.seconds],
    )
    _remove_old_generations(directory, generation)
    return report


def write_texts(rep: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Chunk texts in vid order as one UTF-8 blob with an offsets header, for O(1) lookups.

    DuckDB decompresses a whole row group to read one long text; search shows ~10 passages a
    query, so they are read from this memory-mapped file instead.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    count = rep.execute("SELECT count(*) FROM chunks").fetchone()[0]
    offsets = np.zeros(count + 1, dtype=np.int64)
    with tmp.open("wb") as out:
        out.write(np.int64(count).tobytes())
        out.write(offsets.tobytes())  # placeholder, rewritten below
        result = rep.execute("SELECT text FROM chunks ORDER BY vid")
        at, row = 0, 0
        while batch := result.fetchmany(10_000):
            for (text,) in batch:
                data = text.encode("utf-8")
                out.write(data)
                at += len(data)
                row += 1
                offsets[row] = at
        out.seek(8)
        out.write(offsets.tobytes())
    os.replace(tmp, path)


class ChunkTexts:
    """Read side of `write_texts`: text of the i-th chunk in vid order."""

    def __init__(self, path: Path) -> None:
        self._data = np.memmap(path, dtype=np.uint8, mode="r")
        count = int(self._data[:8].view(np.int64)[0])
        self._offsets = self._data[8:8 + 8 * (count + 1)].view(np.int64)
        self._base = 8 + 8 * (count + 1)

    def __getitem__(self, position: int) -> str:
        start, end = self._offsets[position], self._offsets[position + 1]
        return bytes(self._data[self._base + start:self._base + end]).decode("utf-8")


def _copy_tables(con: duckdb.DuckDBPyConnection, incremental: bool, next_vid: int) -> None:
    current = _CURRENT_CHUNKS.format(w="main")
    if incremental:
        con.execute(
            "CREATE TABLE rep.chunks AS WITH cur AS (" + current + "),"
            " kept AS (SELECT cur.*, p.vid FROM cur LEFT JOIN prev.chunks p"
            " ON p.id = cur.id AND p.text_hash = cur.text_hash)"
            " SELECT coalesce(vid, ? - 1 + row_number() OVER (PARTITION BY vid IS NULL"
            " ORDER BY id)) AS vid, id, document_id, chunk_index, text, text_hash"
            " FROM kept ORDER BY vid", [next_vid],
        )
    else:
        con.execute(
            "CREATE TABLE rep.chunks AS SELECT row_number() OVER (ORDER BY id) - 1 AS vid, *"
            " FROM (" + current + ") ORDER BY vid"
        )
    con.execute(
        "CREATE TABLE rep.documents AS SELECT id, source, kind, url, title, summary,"
        " coalesce(published_at, updated_at, first_seen_at) AS published_at, updated_at,"
        " organisations, tags, opens_at, closes_at, funding FROM main.documents ORDER BY id"
    )
    con.execute("CREATE TABLE rep.theme_scores AS SELECT * FROM main.theme_scores")
    con.execute("CREATE TABLE rep.document_insights AS SELECT * FROM main.document_insights")
    con.execute("CREATE TABLE rep.people AS SELECT * FROM main.people")  # issue 16
    con.execute("CREATE TABLE rep.contributions AS SELECT * FROM main.contributions")


def _vectors(con: duckdb.DuckDBPyConnection, first_new_vid: int) -> tuple[np.ndarray, np.ndarray]:
    """vids and vectors of the chunks new to this generation."""
    table: pa.Table = con.execute(
        "SELECT r.vid, e.vector FROM rep.chunks r JOIN main.chunk_embeddings e"
        " ON e.chunk_id = r.id WHERE r.vid >= ? ORDER BY r.vid", [first_new_vid],
    ).fetch_arrow_table()
    ids = table.column("vid").to_numpy().astype(np.int64)
    column = table.column("vector").combine_chunks()
    flat = column.flatten().to_numpy(zero_copy_only=False) if len(column) else np.zeros(0)
    return ids, np.asarray(flat, dtype=np.float32).reshape(len(ids), vectors.DIMENSION)


def _remove_old_generations(directory: Path, current: int) -> None:
    for path in directory.glob("*-*.*"):
        stem = path.name.split(".")[0]
        try:
            generation = int(stem.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            continue
        if generation <= current - _KEEP_GENERATIONS:
            path.unlink(missing_ok=True)


def refresh_search_index(con: duckdb.DuckDBPyConnection, db_path: Path) -> str:
    """After a run's writes: publish a new generation if the warehouse changed. Never raises;
    a failure leaves the previous generation in place for `horizon index check` to flag."""
    try:
        manifest = read_manifest(search_dir(db_path))
        if manifest and manifest.get("fingerprint") == warehouse_fingerprint(con) and _previous(
                search_dir(db_path), manifest):
            return f"search index up to date (generation {manifest['generation']})"
        report = publish_search_index(con, db_path)
    except Exception as error:  # the digest matters more than the index; report and go on
        return f"search index not updated: {type(error).__name__}: {error}"
    return (f"search index generation {report.generation}: {report.chunks} chunks "
            f"(+{report.added} -{report.removed}, {report.index_kind})")
