"""Search benchmark: hybrid and raw FAISS latency, approximate recall@10, build time, memory.

    .venv/bin/python -m bench.search [--sizes 100000 1000000] [--queries 60] [--hnsw]
                                     [--vectors-only] [--keep DIR]

Builds a synthetic warehouse per size in a child process (so peak memory is per size). Texts are
realistic: each chunk is 4-6 real sentences drawn from the replayed samples and the demo
snapshot. Embedding a million chunks is too slow on 2 cores, so each chunk's vector is DERIVED:
the normalised sum of the real MiniLM embeddings of its sentences plus small Gaussian noise.
Latency is measured end to end (query encoding with the real model + FAISS + BM25 + fusion +
passages), excluding model load; the baseline in the same run is raw exact FAISS search.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from bench.corpus import real_sentences
from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()

QUERIES = [
    "what has government said about bus franchising", "Investment Zones Coventry",
    "HS2", "Levelling Up Fund", "UKSPF", "affordable housing supply", "adult skills funding",
    "net zero strategy", "rail investment in the Midlands", "devolution deal for mayors",
    "school funding settlement", "police stop and search", "youth vaping",
    "onshore wind planning", "apprenticeship vacancies", "brownfield housing fund",
    "local government finance settlement", "transport for city regions", "culture fund",
    "public works loan board", "flexible working", "European Structural and Investment Funds",
    "consultation closing date", "health in middle age", "road traffic estimates",
    "employee share schemes", "museums review", "nuclear industry", "food in hospitals",
    "fire safety furniture regulations",
]


def _pool(settings: Settings, encoder) -> tuple[list[str], np.ndarray]:
    """Real sentences from the samples and demo snapshot, with their real embeddings."""
    sentences = real_sentences(settings)
    return sentences, encoder.encode(sentences)


def build_warehouse(path: Path, size: int, sentences: list[str], vectors: np.ndarray,
                    seed: int = 11, first_doc: int = 0) -> None:
    from warehouse.db import connect

    rng = np.random.default_rng(seed)
    per_doc = 20
    n_docs = size // per_doc
    doc_ids = [uuid.uuid5(uuid.NAMESPACE_URL, f"https://bench.example/doc/{i}") for i in
               range(first_doc, first_doc + n_docs)]
    con = connect(path)
    titles = [sentences[i][:90] for i in rng.integers(0, len(sentences), n_docs)]
    kinds = np.array(["news", "consultation", "policy_paper", "guidance", "statistics"])
    docs = pa.table({  # noqa: F841 - read by DuckDB
        "id": [str(d) for d in doc_ids], "title": titles,
        "url": [f"https://bench.example/doc/{i}" for i in range(first_doc, first_doc + n_docs)],
        "kind": kinds[rng.integers(0, len(kinds), n_docs)],
    })
    con.execute(
        "INSERT INTO documents (id, source, kind, url, title, fetched_at, content_hash,"
        " parser_version, first_seen_at, last_changed_at, published_at)"
        " SELECT id::UUID, 'bench', kind, url, title, now(), 'h', 'bench', now(), now(),"
        " now() - INTERVAL (hash(id) % 700) DAY FROM docs")
    batch = 100_000
    for start in range(0, size, batch):
        count = min(batch, size - start)
        lengths = rng.integers(4, 7, count)
        picks = rng.integers(0, len(sentences), int(lengths.sum()))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        texts = [" ".join(sentences[j] for j in picks[offsets[i]:offsets[i + 1]])
                 for i in range(count)]
        sums = np.add.reduceat(vectors[picks], offsets[:-1], axis=0)
        sums += rng.normal(0, 0.01, sums.shape).astype(np.float32)
        sums /= np.linalg.norm(sums, axis=1, keepdims=True)
        rows = np.arange(start, start + count)
        chunk_doc = [str(doc_ids[r // per_doc]) for r in rows]
        chunk_ids = [str(uuid.uuid5(doc_ids[r // per_doc], f"chunk:{r % per_doc}")) for r in rows]
        rows_table = pa.table({  # noqa: F841 - read by DuckDB
            "id": chunk_ids, "document_id": chunk_doc, "chunk_index": rows % per_doc,
            "text": texts,
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(sums.ravel()), 384),
        })
        con.execute("INSERT INTO chunks SELECT id::UUID, document_id::UUID, chunk_index, text, 0"
                    " FROM rows_table")
        con.execute("INSERT INTO chunk_embeddings SELECT id::UUID, document_id::UUID,"
                    " 'bench-derived', vector::FLOAT[384] FROM rows_table")
    con.close()


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(float(np.percentile(values, 50)) * 1000, 2),
            "p95_ms": round(float(np.percentile(values, 95)) * 1000, 2)}


def recall_at_10(approx: list[np.ndarray], exact: list[np.ndarray]) -> float:
    return float(np.mean([len(set(a[:10]) & set(e[:10])) / 10 for a, e in
                          zip(approx, exact, strict=True)]))


def _timed_searches(index, query_vectors: np.ndarray, k: int = 10
                    ) -> tuple[list[np.ndarray], dict[str, float]]:
    found, timings = [], []
    for v in query_vectors:
        t = time.perf_counter()
        _, ids = index.search(v.reshape(1, -1), k)
        timings.append(time.perf_counter() - t)
        found.append(ids[0])
    return found, percentiles(timings)


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def _query_sets(sentences: list[str], n_queries: int) -> tuple[list[str], list[str]]:
    """Distinct evaluation queries (written + real sentences) and separate tuning sentences."""
    rng = np.random.default_rng(3)
    picks = rng.permutation(len(sentences))
    half = n_queries // 2
    written = list(dict.fromkeys(QUERIES))[:half]
    evaluation = written + [sentences[i][:80] for i in picks[:n_queries - len(written)]]
    tuning = [sentences[i][:80] for i in picks[n_queries:2 * n_queries]]
    return list(dict.fromkeys(evaluation)), tuning


def _pool_cached(settings: Settings, encoder, cache: Path | None) -> tuple[list[str], np.ndarray]:
    if cache and cache.with_suffix(".npy").exists():
        return (cache.with_suffix(".txt").read_text(encoding="utf-8").split("\n"),
                np.load(cache.with_suffix(".npy")))
    sentences, vectors = _pool(settings, encoder)
    if cache:
        cache.with_suffix(".txt").write_text("\n".join(sentences), encoding="utf-8")
        np.save(cache.with_suffix(".npy"), vectors)
    return sentences, vectors


def _derived_vectors(size: int, pool: np.ndarray, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """The same derivation as build_warehouse, without the texts."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(4, 7, size)
    picks = rng.integers(0, len(pool), int(lengths.sum()))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    sums = np.add.reduceat(pool[picks], offsets[:-1], axis=0)
    sums += rng.normal(0, 0.01, sums.shape).astype(np.float32)
    sums /= np.linalg.norm(sums, axis=1, keepdims=True)
    return np.arange(size, dtype=np.int64), sums


def _build_and_publish(db: Path, size: int, sentences: list[str], pool_vectors: np.ndarray,
                       out: dict) -> None:
    """Build the synthetic warehouse, publish it in full, then (up to 200k) incrementally."""
    from warehouse.db import connect
    from warehouse.search.replica import publish_search_index

    t = time.perf_counter()
    build_warehouse(db, size, sentences, pool_vectors)
    out["warehouse_build_s"] = round(time.perf_counter() - t, 1)
    _progress(f"{size}: warehouse built in {out['warehouse_build_s']}s")
    with connect(db) as con:
        report = publish_search_index(con, db, full=True)
        out["publish_full"] = {"index_kind": report.index_kind, "total_s": report.seconds,
                               "fts_s": report.keyword_seconds,
                               "vector_index_s": report.vector_seconds}
        _progress(f"{size}: published {out['publish_full']}")
    # The daily flow's case: 1,000 new chunks (50 documents) then an incremental publish
    # (bench/scale.py measures it against a full rebuild at 1M chunks and more).
    build_warehouse(db, 1_000, sentences, pool_vectors, seed=12, first_doc=size // 20)
    with connect(db) as con:
        report = publish_search_index(con, db)
    if report is not None:
        out["publish_incremental_1000_new"] = {
            "index_kind": report.index_kind, "rebuilt": report.rebuilt,
            "added": report.added, "total_s": report.seconds,
            "fts_s": report.keyword_seconds, "vector_index_s": report.vector_seconds}
        _progress(f"{size}: incremental publish {out['publish_incremental_1000_new']}")


@contextlib.contextmanager
def _workdir(keep: Path | None, size: int) -> Iterator[Path]:
    """A kept folder per size (reused by the next run with --keep), or a temporary one."""
    if keep:
        folder = keep / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="horizon-bench-") as tmp:
        yield Path(tmp)


def run_size(size: int, n_queries: int, hnsw: bool, pool_cache: Path | None,
             vectors_only: bool = False, keep: Path | None = None) -> dict:
    import faiss

    from nlp.config import load_nlp_config
    from nlp.encoder import load_encoder
    from nlp.query_encoder import load_query_encoder
    from warehouse.search import vectors
    from warehouse.search.engine import Searcher
    from warehouse.search.replica import read_manifest, search_dir

    settings = Settings()
    vectors.set_threads()  # builds on every core, as the flow's writer; Searcher sets 1
    out: dict = {"chunks": size}
    model = load_encoder(load_nlp_config(settings.config_dir))
    encoder = load_query_encoder(load_nlp_config(settings.config_dir))  # as horizon web does
    sentences, pool_vectors = _pool_cached(settings, model, pool_cache)
    out["sentence_pool"] = len(sentences)
    out["rss_mb_after_model_load"] = _rss_mb()
    if vectors_only:  # the FAISS side alone: no warehouse, full-text or hybrid figures
        out["mode"] = "vectors only"
        queries, tuning = _query_sets(sentences, n_queries)
        published_ids, matrix = _derived_vectors(size, pool_vectors)
        t = time.perf_counter()
        published = vectors.build_index(published_ids, matrix)
        out["publish_full"] = {"index_kind": vectors.index_kind(published),
                               "vector_index_s": round(time.perf_counter() - t, 1)}
        out["rss_mb_after_build"] = _rss_mb()
    else:
        with _workdir(keep, size) as folder:
            db = folder / "bench.duckdb"
            if db.exists() and read_manifest(search_dir(db)):
                out["reused"] = f"warehouse and index kept in {folder} by an earlier run"
                _progress(f"{size}: {out['reused']}")
            else:
                _build_and_publish(db, size, sentences, pool_vectors, out)
            out["rss_mb_after_publish"] = _rss_mb()
            queries, tuning = _query_sets(sentences, n_queries)
            out["queries"] = {"evaluation": len(queries), "tuning": len(tuning), "distinct": True,
                              "cache": "not used (QueryEncoder.encode, uncached)"}
            searcher = Searcher(db)
            for q in tuning:  # warm-up (pages of the index files), on the other query set
                searcher.search(q, encoder.encode([q])[0], limit=10)
            encode_t, search_t, total_t = [], [], []
            for q in queries:
                t0 = time.perf_counter()
                vector = encoder.encode([q])[0]
                t1 = time.perf_counter()
                searcher.search(q, vector, limit=10)
                t2 = time.perf_counter()
                encode_t.append(t1 - t0)
                search_t.append(t2 - t1)
                total_t.append(t2 - t0)
            out["hybrid_end_to_end"] = percentiles(total_t)
            out["of_which_query_encoding"] = percentiles(encode_t)
            out["of_which_search"] = percentiles(search_t)
            out["rss_mb_after_search"] = _rss_mb()
            published = vectors.read_index(sorted(search_dir(db).glob("vectors-*.faiss"))[-1])
            published_ids = np.sort(vectors.index_ids(published))
            matrix = vectors.reconstruct(published, published_ids)
            del searcher

    query_vectors = encoder.encode(queries)
    tuning_vectors = encoder.encode(tuning)
    flat = faiss.IndexFlatIP(384)
    flat.add(matrix)
    vectors.set_threads(1)
    exact_ids, out["faiss_exact"] = _timed_searches(flat, query_vectors)
    exact_tuning, _ = _timed_searches(flat, tuning_vectors)
    exact_ids = [published_ids[i] for i in exact_ids]
    exact_tuning = [published_ids[i] for i in exact_tuning]
    del flat
    if vectors.index_kind(published) == "ivf":  # the published index: default probes
        vectors.set_threads(vectors.THREADS)  # as a search running alone
        found, timing = _timed_searches(published, query_vectors)
        vectors.set_threads(1)
        out["published_index"] = {"kind": "ivf", **timing, "threads": vectors.THREADS,
                                  "nprobe": faiss.extract_index_ivf(published).nprobe,
                                  "recall_at_10": round(recall_at_10(found, exact_ids), 4)}
        ivf = published  # the same build as below; its time is publish_full.vector_index_s
        out["ivf"] = {"build_s": out.get("publish_full", {}).get("vector_index_s", "reused")}
    else:
        del published
        t = time.perf_counter()
        vectors.set_threads()
        ivf = vectors.build_index(published_ids, matrix, kind="ivf")
        faiss.extract_index_ivf(ivf).parallel_mode = 1
        vectors.set_threads(1)
        out["ivf"] = {"build_s": round(time.perf_counter() - t, 1)}
    out["ivf"].update(nlist=faiss.extract_index_ivf(ivf).nlist, rss_mb=_rss_mb())
    nlist = faiss.extract_index_ivf(ivf).nlist
    for share in (0.05, 0.1, 0.15, 0.2, 0.3):
        nprobe = faiss.extract_index_ivf(ivf).nprobe = round(nlist * share)
        found, timing = _timed_searches(ivf, query_vectors)
        tuned, _ = _timed_searches(ivf, tuning_vectors)
        vectors.set_threads(vectors.THREADS)
        _, two_threads = _timed_searches(ivf, query_vectors)
        vectors.set_threads(1)
        out["ivf"][f"probe_share_{share}_nprobe_{nprobe}"] = {
            **timing, f"{vectors.THREADS}_threads": two_threads,
            "recall_at_10": round(recall_at_10(found, exact_ids), 4),
            "tuning_recall_at_10": round(recall_at_10(tuned, exact_tuning), 4)}
    del ivf
    if hnsw:
        index = faiss.IndexHNSWFlat(384, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 40
        t = time.perf_counter()
        vectors.set_threads()
        index.add(matrix)
        vectors.set_threads(1)
        out["hnsw"] = {"build_s": round(time.perf_counter() - t, 1), "M": 32,
                       "efConstruction": 40, "rss_mb_after_build": _rss_mb()}
        for ef in (64, 128, 256):
            index.hnsw.efSearch = ef
            found, timing = _timed_searches(index, query_vectors)
            out["hnsw"][f"ef_{ef}"] = {**timing, "recall_at_10": round(recall_at_10(
                [published_ids[i] for i in found], exact_ids), 4)}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--hnsw", action="store_true", help="also build and measure HNSW (slow)")
    parser.add_argument("--vectors-only", action="store_true",
                        help="FAISS figures only (no warehouse, full-text index or hybrid)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path,
                        help="keep each size's warehouse and index under this folder, and reuse"
                        " them on the next run (for profiling; build figures come only once)")
    parser.add_argument("--pool-cache", type=Path,
                        help="reuse the embedded sentence pool at this path prefix")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args.queries, args.hnsw, args.pool_cache,
                                  args.vectors_only, args.keep)))
        return
    print(__doc__.split("\n\n")[2].strip(), "\n")
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}"
          " (latencies are only comparable on an otherwise idle machine)\n")
    with tempfile.TemporaryDirectory(prefix="horizon-bench-pool-") as pool:
        for size in args.sizes:
            command = [sys.executable, "-m", "bench.search", "--child", str(size), "--queries",
                       str(args.queries), "--pool-cache", str(args.pool_cache or
                                                              Path(pool) / "pool"),
                       *(["--hnsw"] if args.hnsw else []),
                       *(["--vectors-only"] if args.vectors_only else []),
                       *(["--keep", str(args.keep)] if args.keep else [])]
            result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False,
                                    cwd=ROOT)
            if result.returncode:
                print(f"size {size}: failed (see the error above)")
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(f"== {size:,} chunks ==", flush=True)
            print(json.dumps(figures, indent=2), flush=True)


if __name__ == "__main__":
    main()
