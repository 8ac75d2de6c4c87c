"""Scale benchmark: a full rebuild against a day's incremental publish, side by side.

    nice -n 19 .venv/bin/python bench/scale.py [--sizes 1000000] [--day-share 0.003]
                                               [--queries 60] [--keep DIR]

Per size, in child processes (so each phase's peak memory is its own maxrss): build a synthetic
warehouse (bench/search.py's: texts of 4-6 real sentences from the samples and demo snapshot,
vectors DERIVED as the normalised sum of their sentences' real MiniLM embeddings plus noise),
publish it in full, add a day's new chunks (`--day-share` of the archive) and delete a tenth as
many, publish incrementally, measure hybrid search on that generation (p95 end to end, query
encoding included; recall@10 of the published IVF index against exact search), then rebuild the
same state in full and check that keyword search answers identically.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.config.settings import Settings, apply_offline_environment  # noqa: E402

apply_offline_environment()
KEYWORD_QUERIES = ["bus franchising", "Investment Zones Coventry", "HS2", "Levelling Up Fund",
                   "affordable housing supply", "adult skills funding", "net zero strategy",
                   "rail investment in the Midlands", "devolution deal for mayors",
                   "school funding settlement", "onshore wind planning", "culture fund",
                   "public works loan board", "consultation closing date", "nuclear industry",
                   '"local government"', "the of and"]


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _pool(cache: Path) -> tuple[list[str], np.ndarray]:
    from bench.search import _pool_cached
    from nlp.config import load_nlp_config
    from nlp.encoder import load_encoder

    if cache.with_suffix(".npy").exists():
        return _pool_cached(Settings(), None, cache)
    settings = Settings()
    return _pool_cached(settings, load_encoder(load_nlp_config(settings.config_dir)), cache)


def _publish(db: Path, full: bool) -> dict:
    from warehouse.db import connect
    from warehouse.search.replica import publish_search_index

    with connect(db) as con:
        report = publish_search_index(con, db, full=full)
    return {"seconds": report.seconds, "keyword_s": report.keyword_seconds,
            "vector_s": report.vector_seconds, "rebuilt": report.rebuilt,
            "added": report.added, "removed": report.removed, "chunks": report.chunks,
            "segments": report.segments, "merged": report.merged, "kind": report.index_kind}


def _keyword_answers(db: Path) -> dict[str, list]:
    """Top 100 per query as (chunk id, score), for comparing two builds of the same state."""
    import duckdb

    from warehouse.search.keyword import load_fts
    from warehouse.search.replica import read_manifest, search_dir
    from warehouse.search.segments import SegmentedKeywordIndex

    directory = search_dir(db)
    manifest = read_manifest(directory)
    con = duckdb.connect(str(directory / manifest["replica"]), read_only=True)
    load_fts(con)
    rows = con.execute("SELECT vid, id::VARCHAR AS id FROM chunks ORDER BY vid").fetchnumpy()
    index = SegmentedKeywordIndex(directory, manifest, np.asarray(rows["vid"], dtype=np.int64))
    chunk_of = dict(zip(rows["vid"].tolist(), rows["id"].tolist(), strict=True))
    out = {}
    for query in KEYWORD_QUERIES:
        vids, scores = index.search(con, query, 100)
        out[query] = [[chunk_of[int(v)], float(s)] for v, s in zip(vids, scores, strict=True)]
    con.close()
    return out


def _same_answers(a: dict[str, list], b: dict[str, list]) -> dict:
    """Scores identical rank for rank; ids identical except the order within tied scores."""
    scores = all([s for _, s in a[q]] == [s for _, s in b[q]] for q in a)
    ids = all(sorted(map(tuple, a[q])) == sorted(map(tuple, b[q])) or _ties_only(a[q], b[q])
              for q in a)
    return {"queries": len(a), "scores_identical": scores, "ids_identical_up_to_ties": ids}


def _ties_only(a: list, b: list) -> bool:
    """Equal but for which of the chunks tied at the last kept score were kept."""
    if not a:
        return not b
    last = a[-1][1]
    return sorted(x for x in map(tuple, a) if x[1] > last) == sorted(
        x for x in map(tuple, b) if x[1] > last)


def _hybrid(db: Path, n_queries: int, pool: tuple[list[str], np.ndarray]) -> dict:
    import faiss

    from bench.search import _query_sets, _timed_searches, percentiles, recall_at_10
    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder
    from warehouse.search import vectors
    from warehouse.search.engine import Searcher

    encoder = load_query_encoder(load_nlp_config(Settings().config_dir))
    queries, tuning = _query_sets(pool[0], n_queries)
    searcher = Searcher(db)
    for q in tuning:
        searcher.search(q, encoder.encode([q])[0], limit=10)
    totals = []
    for q in queries:
        t = time.perf_counter()
        searcher.search(q, encoder.encode([q])[0], limit=10)
        totals.append(time.perf_counter() - t)
    out = {"queries": len(queries), **percentiles(totals)}
    index = searcher._generation().index
    ids = np.sort(vectors.index_ids(index))
    query_vectors = encoder.encode(queries)
    vectors.set_threads(vectors.THREADS)
    found, timing = _timed_searches(index, query_vectors)
    flat = faiss.IndexFlatIP(vectors.DIMENSION)
    for start in range(0, len(ids), 200_000):
        flat.add(vectors.reconstruct(index, ids[start:start + 200_000]))
    exact, _ = _timed_searches(flat, query_vectors)
    out["recall_at_10"] = round(recall_at_10(found, [ids[e] for e in exact]), 4)
    out["faiss_p95_ms"] = timing["p95_ms"]
    if vectors.index_kind(index) == "ivf":
        out["nprobe"] = faiss.extract_index_ivf(index).nprobe
    return out


def child(phase: str, db: Path, size: int, day_share: float, n_queries: int,
          pool_cache: Path) -> dict:
    from bench.search import build_warehouse

    t = time.perf_counter()
    out: dict = {"phase": phase}
    if phase == "build":
        sentences, pool = _pool(pool_cache)
        build_warehouse(db, size, sentences, pool)
    elif phase == "full":
        out.update(_publish(db, full=True))
    elif phase == "day":
        sentences, pool = _pool(pool_cache)
        new = max(20, round(size * day_share / 20) * 20)  # whole documents of 20 chunks
        build_warehouse(db, new, sentences, pool, seed=12, first_doc=size // 20)
        from warehouse.db import connect
        with connect(db) as con:  # the day's deletions: a tenth as many chunks as added
            con.execute("CREATE TEMP TABLE gone AS SELECT id FROM chunks USING SAMPLE"
                        f" {max(2, new // 10)} ROWS (reservoir, 5)")
            con.execute("DELETE FROM chunk_embeddings WHERE chunk_id IN (SELECT id FROM gone)")
            con.execute("DELETE FROM chunks WHERE id IN (SELECT id FROM gone)")
        out["day_build_s"] = round(time.perf_counter() - t, 1)
        out.update(_publish(db, full=False))
        (db.parent / "incremental-answers.json").write_text(json.dumps(_keyword_answers(db)))
    elif phase == "search":
        out.update(_hybrid(db, n_queries, _pool(pool_cache)))
    elif phase == "rebuild":
        out.update(_publish(db, full=True))
        incremental = json.loads((db.parent / "incremental-answers.json").read_text())
        out["keyword_vs_incremental"] = _same_answers(incremental, _keyword_answers(db))
    out["wall_s"] = round(time.perf_counter() - t, 1)
    out["peak_rss_mb"] = _peak_mb()
    return out


def _run(args: argparse.Namespace, phase: str, db: Path, size: int, pool: Path) -> dict:
    command = [sys.executable, __file__, "--child", phase, "--db", str(db), "--sizes", str(size),
               "--day-share", str(args.day_share), "--queries", str(args.queries),
               "--pool-cache", str(pool)]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{phase} at {size} failed (see above)")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"  {phase}: {json.dumps(figures)}", file=sys.stderr, flush=True)
    return figures


def table(size: int, runs: dict) -> str:
    full, day, search, rebuild = runs["full"], runs["day"], runs["search"], runs["rebuild"]
    same = rebuild["keyword_vs_incremental"]
    rows = [
        ("chunks after the day", f"{rebuild['chunks']:,}", f"{day['chunks']:,}"),
        ("new / deleted chunks", "-", f"{day['added']:,} / {day['removed']:,}"),
        ("publish time s (keyword / vectors)",
         f"{rebuild['seconds']} ({rebuild['keyword_s']} / {rebuild['vector_s']})",
         f"{day['seconds']} ({day['keyword_s']} / {day['vector_s']})"),
        ("incremental / full time", "", f"{day['seconds'] / rebuild['seconds']:.1%}"),
        ("publish peak RSS MB (child process)", f"{rebuild['peak_rss_mb']:,}",
         f"{day['peak_rss_mb']:,} (incl. writing the day)"),
        ("keyword segments / merged", f"{rebuild['segments']}",
         f"{day['segments']} / {day['merged']}"),
        ("keyword top-100 identical to full", "",
         f"scores {same['scores_identical']}, ids {same['ids_identical_up_to_ties']}"
         f" ({same['queries']} queries)"),
        ("hybrid p50 / p95 ms", "", f"{search['p50_ms']} / {search['p95_ms']}"),
        ("recall@10 (IVF vs exact)", "", f"{search['recall_at_10']}"
         f" (nprobe {search.get('nprobe', 'exact')})"),
        ("search peak RSS MB (model + index)", "", f"{search['peak_rss_mb']:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"== {size:,} chunks (first full publish {full['seconds']} s,"
             f" peak {full['peak_rss_mb']:,} MB) ==",
             f"{'':<{width}} | {'full rebuild':<26} | incremental (a day)"]
    lines += [f"{a:<{width}} | {b:<26} | {c}" for a, b, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--day-share", type=float, default=0.003)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="keep each size's warehouse under this folder")
    parser.add_argument("--resume", action="store_true",
                        help="with --keep: reuse the phases an earlier run finished")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pool-cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.sizes[0], args.day_share,
                               args.queries, args.pool_cache)))
        return
    print(__doc__.split("\n\n")[2].strip(), "\n")
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}"
          " (a shared machine: times are upper bounds)\n", flush=True)
    pool_dir = args.keep or Path(tempfile.mkdtemp(prefix="horizon-scale-"))
    pool_dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        folder = pool_dir / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.duckdb"
        if not args.resume:
            shutil.rmtree(folder / "bench.search", ignore_errors=True)
            for stale in folder.glob("bench.duckdb*"):
                stale.unlink()
            for stale in folder.glob("phase-*.json"):
                stale.unlink()
        runs = {}
        for phase in ("build", "full", "day", "search", "rebuild"):
            saved = folder / f"phase-{phase}.json"
            if args.resume and saved.exists():  # finished by an earlier run of this size
                runs[phase] = json.loads(saved.read_text())
                continue
            runs[phase] = _run(args, phase, db, size, pool_dir / "pool")
            saved.write_text(json.dumps(runs[phase]))
        print(table(size, runs), flush=True)
        print(json.dumps({"size": size, **runs}), flush=True)


if __name__ == "__main__":
    main()
