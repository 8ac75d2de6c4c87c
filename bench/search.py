"""Search benchmark: hybrid and raw FAISS latency, approximate recall@10, build time, memory.

    .venv/bin/python bench/search.py [--sizes 100000 1000000] [--queries 60] [--hnsw]

Builds a synthetic warehouse per size in a child process (so peak memory is per size). Texts are
realistic: each chunk is 4-6 real sentences drawn from the replayed samples and the demo
snapshot. Embedding a million chunks is too slow on 2 cores, so each chunk's vector is DERIVED:
the normalised sum of the real MiniLM embeddings of its sentences plus small Gaussian noise.
Latency is measured end to end (query encoding with the real model + FAISS + BM25 + fusion +
passages), excluding model load; the baseline in the same run is raw exact FAISS search.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.settings import Settings, apply_offline_environment  # noqa: E402

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
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _pool(settings: Settings, encoder) -> tuple[list[str], np.ndarray]:
    """Real sentences from the samples and demo snapshot, with their real embeddings."""
    texts: list[str] = []
    for folder in (settings.samples_dir / "govuk", ROOT / "demo" / "snapshot" / "govuk"):
        for path in sorted(folder.rglob("*.json")):
            try:
                item = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(item, dict):
                continue
            details = item.get("details") if isinstance(item.get("details"), dict) else {}
            parts = [item.get("title"), item.get("description"), details.get("body")]
            plain = " ".join(re.sub(r"<[^>]+>", " ", p) for p in parts if isinstance(p, str))
            texts += [s.strip() for s in SENTENCE.split(" ".join(plain.split()))]
    sentences = sorted({s for s in texts if 6 <= len(s.split()) <= 60})
    return sentences, encoder.encode(sentences)


def build_warehouse(path: Path, size: int, sentences: list[str], vectors: np.ndarray,
                    seed: int = 11) -> None:
    from warehouse.db import connect

    rng = np.random.default_rng(seed)
    per_doc = 20
    n_docs = size // per_doc
    doc_ids = [uuid.uuid5(uuid.NAMESPACE_URL, f"https://bench.example/doc/{i}") for i in
               range(n_docs)]
    con = connect(path)
    titles = [sentences[i][:90] for i in rng.integers(0, len(sentences), n_docs)]
    kinds = np.array(["news", "consultation", "policy_paper", "guidance", "statistics"])
    docs = pa.table({  # noqa: F841 - read by DuckDB
        "id": [str(d) for d in doc_ids], "title": titles,
        "url": [f"https://bench.example/doc/{i}" for i in range(n_docs)],
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


def run_size(size: int, n_queries: int, hnsw: bool) -> dict:
    import faiss

    from nlp.config import load_nlp_config
    from nlp.encoder import load_encoder
    from warehouse.db import connect
    from warehouse.search import vectors
    from warehouse.search.engine import Searcher
    from warehouse.search.replica import publish_search_index

    settings = Settings()
    vectors.set_threads()
    out: dict = {"chunks": size}
    encoder = load_encoder(load_nlp_config(settings.config_dir))
    sentences, pool_vectors = _pool(settings, encoder)
    _progress(f"{size}: {len(sentences)} real sentences embedded")
    out["sentence_pool"] = len(sentences)
    with tempfile.TemporaryDirectory(prefix="horizon-bench-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        build_warehouse(db, size, sentences, pool_vectors)
        out["warehouse_build_s"] = round(time.perf_counter() - t, 1)
        _progress(f"{size}: warehouse built in {out['warehouse_build_s']}s")
        with connect(db) as con:
            report = publish_search_index(con, db, full=True)
            out["publish_s"] = report.seconds
            out["index_kind"] = report.index_kind
            _progress(f"{size}: published ({report.index_kind}) in {report.seconds}s")
            table = con.execute("SELECT vector FROM chunk_embeddings e JOIN"
                                " (SELECT id, row_number() OVER (ORDER BY id) - 1 AS vid"
                                " FROM chunks) c ON c.id = e.chunk_id ORDER BY vid"
                                ).fetch_arrow_table()
        matrix = np.asarray(table.column(0).combine_chunks().flatten().to_numpy(),
                            dtype=np.float32).reshape(-1, 384)
        del table
        queries = (QUERIES * (n_queries // len(QUERIES) + 1))[:n_queries]
        rng = np.random.default_rng(3)
        # Half the queries are the list above; half are real sentences (paraphrase-like lookups).
        queries = queries[: n_queries // 2] + [sentences[i][:80] for i in
                                               rng.integers(0, len(sentences), n_queries // 2)]
        query_vectors = encoder.encode(queries)
        searcher = Searcher(db)
        for q, v in zip(queries[:5], query_vectors[:5], strict=True):
            searcher.search(q, v, limit=10)  # warm-up
        timings = []
        for q in queries:
            t = time.perf_counter()
            searcher.search(q, encoder.encode([q])[0], limit=10)
            timings.append(time.perf_counter() - t)
        out["hybrid"] = percentiles(timings)

        flat = faiss.IndexFlatIP(384)
        t = time.perf_counter()
        flat.add(matrix)
        out["exact_build_s"] = round(time.perf_counter() - t, 2)
        exact_ids, timings = [], []
        for v in query_vectors:
            t = time.perf_counter()
            _, ids = flat.search(v.reshape(1, -1), 10)
            timings.append(time.perf_counter() - t)
            exact_ids.append(ids[0])
        out["faiss_exact"] = percentiles(timings)
        del flat

        t = time.perf_counter()
        ivf = vectors.build_index(np.arange(len(matrix)), matrix, kind="ivf")
        out["ivf"] = {"build_s": round(time.perf_counter() - t, 1),
                      "nlist": faiss.extract_index_ivf(ivf).nlist}
        for nprobe in (16, 32, 48, 64):
            faiss.extract_index_ivf(ivf).nprobe = nprobe
            found, timings = [], []
            for v in query_vectors:
                t = time.perf_counter()
                _, ids = ivf.search(v.reshape(1, -1), 10)
                timings.append(time.perf_counter() - t)
                found.append(ids[0])
            out["ivf"][f"nprobe_{nprobe}"] = {**percentiles(timings),
                                              "recall_at_10": round(recall_at_10(found,
                                                                                 exact_ids), 4)}
        del ivf
        if hnsw:
            index = faiss.IndexHNSWFlat(384, 32, faiss.METRIC_INNER_PRODUCT)
            t = time.perf_counter()
            index.add(matrix)
            out["hnsw"] = {"build_s": round(time.perf_counter() - t, 1), "M": 32}
            for ef in (32, 64, 128):
                index.hnsw.efSearch = ef
                found, timings = [], []
                for v in query_vectors:
                    t = time.perf_counter()
                    _, ids = index.search(v.reshape(1, -1), 10)
                    timings.append(time.perf_counter() - t)
                    found.append(ids[0])
                out["hnsw"][f"ef_{ef}"] = {**percentiles(timings), "recall_at_10": round(
                    recall_at_10(found, exact_ids), 4)}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--hnsw", action="store_true", help="also build and measure HNSW (slow)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args.queries, args.hnsw)))
        return
    print(__doc__.split("\n\n")[2].strip(), "\n")
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}"
          " (latencies are only comparable on an otherwise idle machine)\n")
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size), "--queries",
                   str(args.queries), *(["--hnsw"] if args.hnsw else [])]
        result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        if result.returncode:
            print(f"size {size}: failed (see the error above)")
            continue
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"== {size:,} chunks ==")
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
