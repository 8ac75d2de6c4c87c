"""Publishing the search replica: a read-only copy of what search needs, plus the FAISS index.

Beside `horizon.duckdb` lives `horizon.search/` with `manifest.json` naming the current generation's
`replica-NNNNNN.duckdb` (documents, chunks with their FAISS ids, themes, insights),
`terms-NNNNNN.txt`, the keyword segments it lists (segments.py) and the vector segments
(`vNNNNNN_*.faiss`, with the IVF quantizer, tombstones and list sizes: vector_set.py); a
segment is shared by every generation that lists it. The writer builds a new generation in
temporary files, renames them into place, then replaces the manifest atomically: searchers see
the old generation or the new one, never a mix, and never open the warehouse itself (DuckDB
lets one process write it).

Both indexes are updated incrementally: a chunk keeps its FAISS id (`vid`) while its text and
model are unchanged; changed and removed chunks are taken out (tombstones in the keyword
segments and the vector tombstones), new ones added (one new keyword segment, one new vector
segment on the trained IVF lists).
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

from warehouse.search import segments, vector_publish, vectors
from warehouse.search.models import PublishReport
from warehouse.search.vector_set import segment_path

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
    replica = directory / manifest["replica"]
    present = replica.exists() and not missing_keyword_files(directory, manifest) and not (
        missing_vector_files(directory, manifest))
    return (replica, directory) if present else None


def missing_keyword_files(directory: Path, manifest: dict) -> list[Path]:
    paths = [directory / manifest.get("terms", "terms-missing.txt")]
    for seg in manifest.get("segments", []):
        paths += segments.segment_files(directory, seg["name"])
    return [path for path in paths if not path.exists()]


def missing_vector_files(directory: Path, manifest: dict) -> list[Path]:
    paths = [segment_path(directory, seg["name"]) for seg in manifest.get("vector_segments", [])]
    paths += [directory / (manifest[key] + suffix) for key, suffix in (
        ("quantizer", ".faiss"), ("vector_dead", ""), ("list_sizes", "")) if manifest.get(key)]
    return [path for path in paths if not path.exists()]


def is_current_format(manifest: dict | None) -> bool:
    """Whether this Horizon can search the generation (older ones lack files it reads)."""
    return bool(manifest) and all(key in manifest for key in ("segments", "terms",
                                                               "vector_segments"))


def publish_search_index(con: duckdb.DuckDBPyConnection, db_path: Path, *,
                         full: bool = False, index_kind: str | None = None) -> PublishReport:
    """Build and publish a new generation from the warehouse open on `con` (the writer's).

    Incremental unless `full` (or nothing usable was published): the keyword index gains one
    segment of the new chunks, the FAISS index their vectors; only they are read from the
    warehouse besides the chunk and document metadata.
    """
    started = time.perf_counter()
    directory = search_dir(db_path)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(directory)
    generation = (manifest["generation"] + 1) if manifest else 1
    previous = None if full else _previous(directory, manifest)
    fingerprint = warehouse_fingerprint(con)
    replica_name = f"replica-{generation:06d}.duckdb"
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
        count, top = con.execute("SELECT count(*), max(vid) FROM rep.chunks").fetchone()
        live = np.sort(con.execute("SELECT vid FROM rep.chunks").fetchnumpy()["vid"]).astype(
            np.int64)
        keyword_started = time.perf_counter()
        keyword_state = build_keyword_index(con, directory, generation,
                                            manifest if previous else None, next_vid, live)
        keyword_seconds = time.perf_counter() - keyword_started
        vector_started = time.perf_counter()
        published = _vector_index(con, directory, generation, manifest if previous else None,
                                  index_kind, count, next_vid, removed, live)
        vector_seconds = time.perf_counter() - vector_started
    finally:
        for alias in ("rep", "prev"):
            if alias in {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()"
                                                   ).fetchall()}:
                con.execute(f"DETACH {alias}")

    os.replace(tmp_replica, directory / replica_name)
    report = PublishReport(generation=generation, index_kind=published.kind,
                           chunks=count, added=published.added, removed=len(removed),
                           rebuilt=published.rebuilt,
                           seconds=round(time.perf_counter() - started, 3),
                           keyword_seconds=round(keyword_seconds, 3),
                           vector_seconds=round(vector_seconds, 3),
                           segments=len(keyword_state["segments"]),
                           merged=keyword_state["merged"])
    _write_manifest(directory, {
        "generation": generation, "replica": replica_name,
        "terms": keyword_state["terms"], "segments": keyword_state["segments"],
        "index_kind": report.index_kind, "chunks": count,
        "vector_segments": published.segments, "vector_dead": published.dead,
        "quantizer": published.quantizer, "list_sizes": published.list_sizes,
        "next_vid": max(next_vid, (top or -1) + 1), "fingerprint": fingerprint,
        "vector_training": published.training, "published_at": datetime.now(UTC).isoformat(),
    })
    con.execute(
        "INSERT OR REPLACE INTO search_publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [generation, datetime.now(UTC), report.index_kind, count, report.added, report.removed,
         published.rebuilt, fingerprint, report.seconds],
    )
    _remove_old_generations(directory, generation, manifest)
    return report


def build_keyword_index(con: duckdb.DuckDBPyConnection, directory: Path, generation: int,
                        previous: dict | None, first_new_vid: int, live: np.ndarray) -> dict:
    """The generation's keyword segments: the previous ones plus one of the chunks new since
    (vid >= first_new_vid, read from rep.chunks joined to the warehouse), then any merges due.

    Reads only the new chunks' texts; `live` (sorted vids of the generation) marks tombstones.
    """
    dictionary = (segments.Dictionary.read(directory / previous["terms"]) if previous
                  else segments.Dictionary())
    kept = [dict(s) for s in previous["segments"]] if previous else []
    reader = con.execute(
        "SELECT r.vid, c.text FROM rep.chunks r JOIN main.chunks c ON c.id = r.id"
        " WHERE r.vid >= ? ORDER BY r.vid", [first_new_vid]).fetch_record_batch(
        segments.SEGMENT_CHUNKS)
    for number, batch in enumerate(reader):
        name = f"s{generation:06d}_{number:03d}"
        chunks = segments.build_segment(directory, name, pa.Table.from_batches([batch]),
                                        dictionary)
        kept.append({"name": name, "chunks": chunks, "live": chunks})
    alive = np.zeros(int(live[-1]) + 1 if len(live) else 0, dtype=bool)
    alive[live] = True
    for seg in kept:
        seg_vids = np.fromfile(directory / (seg["name"] + ".vids"), dtype=np.uint32)
        seg["live"] = int(alive[seg_vids[seg_vids < len(alive)]].sum())
    merged = 0
    for number, group in enumerate(segments.plan_merges(kept)):
        name = f"s{generation:06d}_m{number:02d}"
        chunks = segments.merge_segments(directory, name, group, alive)
        kept = [s for s in kept if s["name"] not in group]
        kept.append({"name": name, "chunks": chunks, "live": chunks})
        merged += len(group)
    kept = [s for s in kept if s["live"]]
    terms = f"terms-{generation:06d}.txt"
    dictionary.write(directory / terms)
    return {"terms": terms, "segments": kept, "merged": merged}


def _vector_index(con: duckdb.DuckDBPyConnection, directory: Path, generation: int,
                  manifest: dict | None, index_kind: str | None, count: int, next_vid: int,
                  removed: np.ndarray, live: np.ndarray) -> vector_publish.VectorPublish:
    """The previous vector segments plus one of the new vectors, or one fresh segment when
    nothing was published, the kind changes, or the lists have drifted."""
    kind = index_kind or ("exact" if count <= vectors.EXACT_MAX_VECTORS else "ivf")
    if manifest and not index_kind and (manifest.get("index_kind") == kind or (
            kind == "exact" and manifest.get("index_kind") == "ivf")):
        published = vector_publish.incremental(directory, generation, manifest,
                                               _vector_reader(con), next_vid, removed, live)
        if published is not None:
            return published
    return vector_publish.full(directory, generation, kind, _vector_reader(con),
                               _vector_sampler(con), count)


def _copy_tables(con: duckdb.DuckDBPyConnection, incremental: bool, next_vid: int) -> None:
    current = _CURRENT_CHUNKS.format(w="main")
    if incremental:
        con.execute(
            "CREATE TABLE rep.chunks AS WITH cur AS (" + current + "),"
            " kept AS (SELECT cur.*, p.vid FROM cur LEFT JOIN prev.chunks p"
            " ON p.id = cur.id AND p.text_hash = cur.text_hash)"
            " SELECT coalesce(vid, ? - 1 + row_number() OVER (PARTITION BY vid IS NULL"
            " ORDER BY id)) AS vid, id, document_id, chunk_index, text_hash"
            " FROM kept ORDER BY vid", [next_vid],
        )
    else:
        con.execute(
            "CREATE TABLE rep.chunks AS SELECT row_number() OVER (ORDER BY id) - 1 AS vid, id,"
            " document_id, chunk_index, text_hash FROM (" + current + ") ORDER BY vid"
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


def _vector_reader(con: duckdb.DuckDBPyConnection) -> vector_publish.VectorReader:
    """Batches of (vids, vectors) of the generation's chunks from a vid on, in vid order."""
    def read(first_vid: int):
        reader = con.execute(
            "SELECT r.vid, e.vector FROM rep.chunks r JOIN main.chunk_embeddings e"
            " ON e.chunk_id = r.id WHERE r.vid >= ? ORDER BY r.vid", [first_vid],
        ).fetch_record_batch(100_000)
        for batch in reader:
            if batch.num_rows:
                yield (batch.column(0).to_numpy().astype(np.int64),
                       _matrix(batch.column(1), batch.num_rows))
    return read


def _vector_sampler(con: duckdb.DuckDBPyConnection) -> vector_publish.VectorSampler:
    def sample(rows: int) -> np.ndarray:
        table = con.execute(
            "SELECT e.vector FROM rep.chunks r JOIN main.chunk_embeddings e ON e.chunk_id = r.id"
            f" USING SAMPLE {int(rows)} ROWS (reservoir, 7)").fetch_arrow_table()
        return _matrix(table.column(0).combine_chunks(), table.num_rows)
    return sample


def _matrix(column: pa.Array, rows: int) -> np.ndarray:
    flat = column.flatten().to_numpy(zero_copy_only=False) if rows else np.zeros(0)
    return np.ascontiguousarray(np.asarray(flat, dtype=np.float32).reshape(rows,
                                                                           vectors.DIMENSION))


def _remove_old_generations(directory: Path, current: int, previous: dict | None) -> None:
    """Files of generations older than the last _KEEP_GENERATIONS, and segments neither the new
    generation nor the one before it names (readers may still be on the one before)."""
    for path in directory.glob("*-*.*"):
        stem = path.name.split(".")[0]
        try:
            generation = int(stem.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            continue
        if generation <= current - _KEEP_GENERATIONS:
            path.unlink(missing_ok=True)
    named = {s["name"] for s in (read_manifest(directory) or {}).get("segments", [])}
    named |= {s["name"] for s in (previous or {}).get("segments", [])}
    named |= {s["name"] for s in (read_manifest(directory) or {}).get("vector_segments", [])}
    named |= {s["name"] for s in (previous or {}).get("vector_segments", [])}
    named |= {m.get("quantizer") for m in (read_manifest(directory) or {}, previous or {})}
    for path in [*directory.glob("s*_*.*"), *directory.glob("v*_*.faiss")]:
        if path.name.split(".")[0] not in named and not path.name.startswith("."):
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
