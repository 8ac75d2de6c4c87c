"""Scale benchmark: a full rebuild against a day's incremental publish, side by side.

    nice -n 19 .venv/bin/python -m bench.scale [--sizes 1000000] [--day-share 0.003]
                                               [--queries 60] [--keep DIR [--resume]]
                                               [--skip-rebuild]

Per size, in child processes (so each phase's peak memory is its own maxrss): build a synthetic
warehouse (bench/search.py's: texts of 4-6 real sentences from the samples and demo snapshot,
vectors DERIVED as the normalised sum of their sentences' real MiniLM embeddings plus noise),
publish it in full, add a day's new chunks (`--day-share` of the archive) and delete a tenth as
many, publish incrementally, measure hybrid search on that generation (p95 end to end, query
encoding included; recall@10 of the published IVF index against exact search), then rebuild the
same state in full and check that keyword search answers identically (--skip-rebuild: compare
with the first full publish instead and leave the identity check out, when time is short).
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

from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
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
    from bench.search import _query_sets, percentiles, recall_at_10
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
    index = searcher._generation().index  # the generation's VectorSet: every segment mapped
    ids = index.ids()
    query_vectors = encoder.encode(queries)
    found, timings = [], []
    for v in query_vectors:
        t = time.perf_counter()
        found.append(index.search(v, 10, threads=vectors.THREADS).ids)
        timings.append(time.perf_counter() - t)
    out["recall_at_10"] = round(recall_at_10(found, _exact_top10(index, ids, query_vectors)), 4)
    out["vector_p95_ms"] = percentiles(timings)["p95_ms"]
    out["vector_segments"] = len(index.segments)
    if index.kind == "ivf":
        out["nprobe"], out["nlist"] = index.nprobe, index.nlist
    return out


def _exact_top10(index, ids: np.ndarray, queries: np.ndarray) -> list[np.ndarray]:
    """Exact top 10 per query, streaming the vectors 200k at a time (memory stays bounded)."""
    best_scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    best_ids = np.full((len(queries), 10), -1, dtype=np.int64)
    for start in range(0, len(ids), 200_000):
        part = ids[start:start + 200_000]
        scores = queries @ index.reconstruct(part).T
        top = np.argpartition(-scores, min(10, len(part) - 1), axis=1)[:, :10]
        all_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, 1)], axis=1)
        all_ids = np.concatenate([best_ids, part[top]], axis=1)
        order = np.argsort(-all_scores, axis=1, kind="stable")[:, :10]
        best_scores = np.take_along_axis(all_scores, order, 1)
        best_ids = np.take_along_axis(all_ids, order, 1)
    return list(best_ids)


def child(phase: str, db: Path, size: int, day_share: float, n_queries: int,
          pool_cache: Path) -> dict:
    from bench.search import build_warehouse

    t = time.perf_counter()
    out: dict = {"phase": phase, "load_at_start": round(os.getloadavg()[0], 1)}
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
    out["load_at_end"] = round(os.getloadavg()[0], 1)
    out["peak_rss_mb"] = _peak_mb()
    return out


def _run(args: argparse.Namespace, phase: str, db: Path, size: int, pool: Path) -> dict:
    command = [sys.executable, "-m", "bench.scale", "--child", phase, "--db", str(db),
               "--sizes", str(size),
               "--day-share", str(args.day_share), "--queries", str(args.queries),
               "--pool-cache", str(pool)]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"{phase} at {size} failed (see above)")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"  {phase}: {json.dumps(figures)}", file=sys.stderr, flush=True)
    return figures


def _load(figures: dict) -> str:
    return f"{figures.get('load_at_start', '?')}-{figures.get('load_at_end', '?')}"


def table(size: int, runs: dict) -> str:
    full, day, search = runs["full"], runs["day"], runs["search"]
    rebuild = runs.get("rebuild") or full  # --skip-rebuild: the first full publish
    same = rebuild.get("keyword_vs_incremental")
    identical = (f"scores {same['scores_identical']}, ids {same['ids_identical_up_to_ties']}"
                 f" ({same['queries']} queries)" if same else
                 "not checked (--skip-rebuild: full column is the first full publish)")
    rows = [
        ("chunks", f"{rebuild['chunks']:,}", f"{day['chunks']:,}"),
        ("new / deleted chunks", "-", f"{day['added']:,} / {day['removed']:,}"),
        ("publish time s (keyword / vectors)",
         f"{rebuild['seconds']} ({rebuild['keyword_s']} / {rebuild['vector_s']})",
         f"{day['seconds']} ({day['keyword_s']} / {day['vector_s']})"),
        ("load average (1 min) start-end", _load(rebuild), _load(day)),
        ("incremental / full time", "", f"{day['seconds'] / rebuild['seconds']:.1%}"),
        ("publish peak RSS MB (child process)", f"{rebuild['peak_rss_mb']:,}",
         f"{day['peak_rss_mb']:,} (incl. writing the day)"),
        ("keyword segments / merged", f"{rebuild['segments']}",
         f"{day['segments']} / {day['merged']}"),
        ("keyword top-100 identical to full", "",
         identical),
        ("hybrid p50 / p95 ms", "", f"{search['p50_ms']} / {search['p95_ms']}"
         f" (load {_load(search)})"),
        ("vector search alone p95 ms / segments", "",
         f"{search['vector_p95_ms']} / {search['vector_segments']}"),
        ("recall@10 (IVF vs exact)", "", f"{search['recall_at_10']}"
         f" (nprobe {search.get('nprobe', 'exact')} of {search.get('nlist', '-')} lists)"),
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
    parser.add_argument("--skip-rebuild", action="store_true",
                        help="no second full publish: compare the day with the first one, and"
                             " leave the keyword identity check to a run with time for it")
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
        phases = ("build", "full", "day", "search") + (() if args.skip_rebuild else ("rebuild",))
        for phase in phases:
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
