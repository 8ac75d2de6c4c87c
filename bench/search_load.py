"""Search HTTP API under concurrent load from loopback, with and without a writer at work.

    .venv/bin/python -m bench.search_load [--documents 1000] [--requests 2000] [--workers 8]
                                          [--workdir data/bench-search-load] [--rebuild]

1. Builds (or reuses, in --workdir) a warehouse through the real save path (save_documents,
   save_enrichments) and publishes its search index. Texts are real: each chunk is 3-6 sentences
   drawn from the replayed samples and the demo snapshot. Embedding every chunk is slow on 2
   cores, so a chunk's vector is DERIVED: the normalised sum of the real MiniLM embeddings of its
   sentences plus small noise. Themes, signals and region scores are drawn at random.
2. Starts `horizon web` (real uvicorn, the real query encoder) on 127.0.0.1 in a child process.
3. Fires the same bounded, seeded mix of requests (60% /api/search with and without filters, 20%
   /api/documents, 20% /api/similar) from N threads twice: first alone (the baseline), then while
   a writer process saves new documents and publishes a new index generation in a loop, as the
   daily flow does. Prints requests/s, p50/p99 latency, errors by kind, "database is locked"
   and the generations the server switched between. Exits 1 on any error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.corpus import real_sentences
from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()

KINDS = ["news", "consultation", "policy_paper", "guidance", "statistics", "funding_call",
         "written_question", "debate", "speech", "regional_news"]
SOURCES = ["govuk_search", "govuk_atom", "parlparse", "written_questions", "bills_api",
           "contracts_finder", "find_a_grant", "wmca_news"]
QUERIES = ["bus franchising", "Investment Zones Coventry", "HS2", "Levelling Up Fund", "UKSPF",
           "affordable housing", "adult skills funding", "net zero", "rail investment Midlands",
           '"devolution deal"', "school funding", "police", "brownfield housing fund",
           "local government finance settlement", "culture", "apprenticeships", "nuclear",
           "flood defences", "trailblazer", "planning reform"]
LOCKED = re.compile(r"database is locked|could not set lock|conflicting lock", re.I)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- the warehouse -------------------------------------------------------------------------

def sentence_pool(settings: Settings, limit: int = 4000) -> list[str]:
    """Real sentences from the GOV.UK payloads of the samples and the demo snapshot."""
    sentences = real_sentences(settings)
    rng = np.random.default_rng(5)
    return [sentences[i] for i in sorted(rng.permutation(len(sentences))[:limit])]


class Corpus:
    """Sentences with their real embeddings, cached in the work directory."""

    def __init__(self, workdir: Path) -> None:
        texts, vectors = workdir / "sentences.txt", workdir / "sentences.npy"
        if not vectors.exists():
            from nlp.config import load_nlp_config
            from nlp.encoder import load_encoder

            settings = Settings()
            sentences = sentence_pool(settings)
            progress(f"embedding {len(sentences)} real sentences with MiniLM (once) ...")
            encoder = load_encoder(load_nlp_config(settings.config_dir))
            np.save(vectors, encoder.encode(sentences).astype(np.float32))
            texts.write_text("\n".join(sentences), encoding="utf-8")
        self.sentences = texts.read_text(encoding="utf-8").split("\n")
        self.vectors = np.load(vectors)
        themes_file = ROOT / "config" / "profiles" / "wmca.yaml"
        import yaml

        self.themes = [t["id"] for t in yaml.safe_load(themes_file.read_text())["themes"]]

    def batch(self, first: int, count: int, seed: int) -> tuple[list, list]:
        """Documents first..first+count with their enrichments (derived vectors)."""
        from warehouse.records import (
            Chunk,
            Document,
            DocumentInsight,
            Enrichment,
            Signal,
            ThemeScore,
        )

        rng = np.random.default_rng(seed)
        now = datetime(2026, 11, 22, 6, tzinfo=UTC)
        documents, enrichments = [], []
        for number in range(first, first + count):
            picks = rng.integers(0, len(self.sentences), 60)
            n_chunks = int(rng.integers(4, 20))
            title = self.sentences[picks[0]][:120]
            bodies, vectors, at = [], [], 1
            for _ in range(n_chunks):
                take = picks[at:at + int(rng.integers(3, 7))]
                at = (at + len(take)) % 50 + 1
                bodies.append(" ".join(self.sentences[i] for i in take))
                v = self.vectors[take].sum(axis=0) + rng.normal(0, 0.01, 384)
                vectors.append((v / np.linalg.norm(v)).astype(np.float32).tolist())
            published = now - timedelta(days=int(rng.integers(0, 700)))
            doc = Document(source=SOURCES[number % len(SOURCES)],
                           kind=KINDS[int(rng.integers(0, len(KINDS)))],
                           url=f"https://www.gov.uk/government/news/load-{number}", title=title,
                           summary=bodies[0][:200], body_text="\n\n".join(bodies),
                           published_at=published, updated_at=published, fetched_at=now,
                           parser_version="bench/1")
            chunks = [Chunk.of(doc.id, i, text) for i, text in enumerate([title, *bodies])]
            title_vector = self.vectors[picks[0]] / np.linalg.norm(self.vectors[picks[0]])
            scores = [ThemeScore(document_id=doc.id, profile="wmca", theme=theme,
                                 score=float(s), above_threshold=bool(s > 0.55),
                                 evidence=bodies[0][:120], model_version="bench-derived")
                      for theme, s in zip(self.themes, rng.random(len(self.themes)),
                                          strict=True)]
            insight = DocumentInsight(document_id=doc.id, profile="wmca",
                                      signal=list(Signal)[int(rng.integers(0, 3))],
                                      signal_score=float(rng.random()),
                                      region_score=float(rng.random()),
                                      model_version="bench-derived")
            documents.append(doc)
            enrichments.append(Enrichment(document_id=doc.id, chunks=chunks,
                                          embeddings=[title_vector.tolist(), *vectors],
                                          theme_scores=scores, insight=insight,
                                          model_version="bench-derived"))
        return documents, enrichments


def save_batch(con, corpus: Corpus, first: int, count: int, seed: int) -> None:
    from warehouse.save import save_documents, save_enrichments

    documents, enrichments = corpus.batch(first, count, seed)
    save_documents(con, documents)
    save_enrichments(con, enrichments, profile="wmca",
                     content_hashes={d.id: d.content_hash for d in documents})


def build_warehouse(workdir: Path, documents: int, rebuild: bool) -> Path:
    from warehouse.db import connect
    from warehouse.search.replica import publish_search_index

    db = workdir / "horizon.duckdb"
    marker = workdir / "built.json"
    if not rebuild and marker.exists() and json.loads(marker.read_text())["documents"] == (
            documents):
        progress(f"reusing {db} ({documents} documents)")
        return db
    for stale in workdir.glob("horizon*"):
        subprocess.run(["rm", "-rf", str(stale)], check=True)
    corpus = Corpus(workdir)
    started = time.perf_counter()
    with connect(db) as con:
        for first in range(0, documents, 250):
            save_batch(con, corpus, first, min(250, documents - first), seed=first)
        report = publish_search_index(con, db, full=True)
        chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    marker.write_text(json.dumps({"documents": documents, "chunks": chunks}))
    progress(f"built {documents} documents, {chunks} chunks, published generation "
             f"{report.generation} in {time.perf_counter() - started:.0f}s")
    return db


# ---- the writer (a child process) ----------------------------------------------------------

def writer_loop(db: Path, stop_file: Path, batch: int, seconds: float) -> None:
    """Save `batch` new documents and publish, again and again, until told to stop."""
    from flows.runtime.lock import warehouse_lock
    from warehouse.db import connect
    from warehouse.search.replica import publish_search_index

    corpus = Corpus(db.parent)
    deadline = time.monotonic() + seconds
    first = 10_000_000 + int(time.time()) % 1_000_000 * 100
    written, generations = 0, []
    with warehouse_lock(db), connect(db) as con:
        while not stop_file.exists() and time.monotonic() < deadline:
            save_batch(con, corpus, first + written, batch, seed=first + written)
            written += batch
            generations.append(publish_search_index(con, db).generation)
    print(json.dumps({"documents_written": written, "generations": generations}), flush=True)


# ---- the load ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plan(n: int, document_ids: list[str], seed: int) -> list[str]:
    """A seeded mix of request paths (with query strings)."""
    from urllib.parse import urlencode

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        roll = rng.random()
        doc = document_ids[int(rng.integers(0, len(document_ids)))]
        if roll < 0.6:
            params: dict = {"q": QUERIES[int(rng.integers(0, len(QUERIES)))]}
            extra = int(rng.integers(0, 5))
            if extra == 1:
                params["date_from"] = "2026-01-01"
            elif extra == 2:
                params["kind"] = KINDS[int(rng.integers(0, len(KINDS)))]
            elif extra == 3:
                params.update(theme="transport", signal="opportunity")
            elif extra == 4:
                params.update(source=SOURCES[int(rng.integers(0, len(SOURCES)))],
                              region_only="true")
            out.append("/api/search?" + urlencode(params))
        elif roll < 0.8:
            out.append(f"/api/documents/{doc}")
        else:
            out.append(f"/api/similar/{doc}?limit=10")
    return out


def fire(base: str, paths: list[str], workers: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: Counter = Counter()
    generations: set[int] = set()
    lock = threading.Lock()
    local = threading.local()

    def one(path: str) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=60)
        started = time.perf_counter()
        try:
            response = client.get(path)
            kind = None if response.status_code == 200 else f"HTTP {response.status_code}"
            if kind and LOCKED.search(response.text):
                kind += " database is locked"
            generation = response.json().get("generation") if not kind and (
                "generation" in response.text[:200]) else None
        except Exception as error:  # every failure is counted, by kind
            kind, generation = f"{type(error).__name__}: {error}"[:100], None
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if kind:
                errors[kind] += 1
            if generation is not None:
                generations.add(generation)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, paths))
    wall = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {"requests": len(paths), "seconds": round(wall, 1),
            "requests_per_s": round(len(paths) / wall, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "errors": sum(errors.values()), "error_kinds": dict(errors),
            "generations_seen": sorted(generations)}


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    import httpx

    env = {k: v for k, v in os.environ.items() if k != "HORIZON_WEB_TOKEN"}
    server = subprocess.Popen(
        [sys.executable, "-c", "from flows.cli import app; app()", "web", "--db", str(db),
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/facets", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit(f"search server did not start; see {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--writer-batch", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=ROOT / "data" / "bench-search-load")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)  # child mode: the db
    parser.add_argument("--stop-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer_loop(args.writer, args.stop_file, args.writer_batch, seconds=900)
        return 0

    args.workdir.mkdir(parents=True, exist_ok=True)
    db = build_warehouse(args.workdir, args.documents, args.rebuild)
    import duckdb

    from warehouse.search.replica import read_manifest, search_dir

    manifest = read_manifest(search_dir(db))
    with duckdb.connect(str(search_dir(db) / manifest["replica"]), read_only=True) as con:
        ids = [str(r[0]) for r in con.execute("SELECT id FROM documents ORDER BY id").fetchall()]
        chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    port = free_port()
    log = args.workdir / "server.log"
    server = start_server(db, port, log)
    base = f"http://127.0.0.1:{port}"
    results: dict = {"documents": len(ids), "chunks": chunks, "workers": args.workers,
                     "vectors": "derived from real MiniLM sentence embeddings + noise"}
    stop = args.workdir / "writer.stop"
    writer = None
    try:
        fire(base, plan(40, ids, seed=1), 2)  # warm-up: model load, first reads
        progress(f"baseline: {args.requests} requests, {args.workers} workers, no writer ...")
        results["baseline_no_writer"] = fire(base, plan(args.requests, ids, 7), args.workers)
        stop.unlink(missing_ok=True)
        writer = subprocess.Popen(
            [sys.executable, "-m", "bench.search_load", "--writer", str(db),
             "--stop-file", str(stop),
             "--writer-batch", str(args.writer_batch)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        progress("with writer: the same requests while a writer saves and publishes ...")
        results["with_writer"] = fire(base, plan(args.requests, ids, 7), args.workers)
        stop.touch()
        out, err = writer.communicate(timeout=600)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        results["writer"] = json.loads(lines[-1]) if lines else {"failed": err[-2000:]}
        results["writer"]["exit_code"] = writer.returncode
        if writer.returncode and "failed" not in results["writer"]:
            results["writer"]["stderr"] = err[-2000:]
    finally:
        if writer and writer.poll() is None:
            writer.kill()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        stop.unlink(missing_ok=True)
    server_log = log.read_text(encoding="utf-8", errors="replace")
    results["server_log"] = {"tracebacks": server_log.count("Traceback"),
                             "database_locked": len(LOCKED.findall(server_log))}
    print(json.dumps(results, indent=2))
    locked = sum(r["error_kinds"].get(k, 0) for r in (results["baseline_no_writer"],
                                                      results["with_writer"])
                 for k in r["error_kinds"] if "locked" in k)
    failed = (results["baseline_no_writer"]["errors"] + results["with_writer"]["errors"]
              + results["server_log"]["tracebacks"] + results["server_log"]["database_locked"]
              + (1 if results["writer"].get("exit_code") else 0))
    b, w = results["baseline_no_writer"], results["with_writer"]
    print(f"\nbaseline (no writer): {b['requests_per_s']} req/s, p50 {b['p50_ms']} ms, "
          f"p99 {b['p99_ms']} ms, {b['errors']} errors")
    print(f"with writer:          {w['requests_per_s']} req/s, p50 {w['p50_ms']} ms, "
          f"p99 {w['p99_ms']} ms, {w['errors']} errors {w['error_kinds'] or ''}; generations "
          f"served {w['generations_seen']}; writer published "
          f"{len(results['writer'].get('generations', []))} generations, "
          f"{results['writer'].get('documents_written', 0)} documents")
    print(f"'database is locked': {locked} in responses, "
          f"{results['server_log']['database_locked']} in the server log; "
          f"server tracebacks: {results['server_log']['tracebacks']}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
