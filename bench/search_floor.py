"""The search score floor (warehouse/search/floor.py): where judged answers and off-topic
queries fall in dense cosine, on our own queries over the demo snapshot.

    .venv/bin/python -m bench.search_floor [--db data/demo.duckdb] [--eval-db SAMPLES_DB]

Prints, for bench/data/search_floor_queries.yaml (written by us, demo snapshot written by us):
the cosine of each judged answer, the best cosine of each off-topic query, and the floor range
between them. With --eval-db (a warehouse of ../shared/samples), it only *reports* how the chosen
floor treats the judged queries of bench/data/search_queries.yaml (evaluation, never fitting).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import yaml

from warehouse.config.settings import apply_offline_environment, get_settings

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()
CHOOSE = ROOT / "bench" / "data" / "search_floor_queries.yaml"
EVALUATE = ROOT / "bench" / "data" / "search_queries.yaml"


def _searcher_and_encoder(db: Path):
    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder
    from warehouse.search.engine import Searcher

    return Searcher(db), load_query_encoder(load_nlp_config(get_settings().config_dir))


def choose(db: Path) -> None:
    from warehouse.search.floor import MIN_COSINE

    data = yaml.safe_load(CHOOSE.read_text(encoding="utf-8"))
    searcher, encoder = _searcher_and_encoder(db)
    answers, missed = [], []
    for item in data["on_topic"]:
        results = searcher.search(item["query"], encoder.encode_query(item["query"]), limit=20)
        hit = next((r for r in results if r.title == item["title"]), None)
        if hit is None or hit.scores.dense_score is None:
            missed.append(item["query"])
            continue
        answers.append(hit.scores.dense_score)
        print(f"  answer  {hit.scores.dense_score:.3f}  {item['query']}")
    noise = []
    for query in data["off_topic"]:
        results = searcher.search(query, encoder.encode_query(query), limit=20)
        best = max((r.scores.dense_score or 0.0) for r in results) if results else 0.0
        noise.append(best)
        print(f"  noise   {best:.3f}  {query}")
    print(f"judged answers ({len(answers)} found, {len(missed)} not in the top 20): "
          f"min {min(answers):.3f}, median {statistics.median(answers):.3f}")
    print(f"off-topic best cosine ({len(noise)} queries): max {max(noise):.3f}, "
          f"median {statistics.median(noise):.3f}")
    print(f"floor range: ({max(noise):.3f}, {min(answers):.3f}); chosen MIN_COSINE = "
          f"{MIN_COSINE}: keeps {sum(a >= MIN_COSINE for a in answers)} of {len(answers)} "
          f"answers, cuts {sum(n < MIN_COSINE for n in noise)} of {len(noise)} off-topic "
          "queries (on cosine alone; a passage holding every query word is kept too)")


def evaluate(db: Path) -> None:
    from warehouse.search.floor import strong_results

    judged = yaml.safe_load(EVALUATE.read_text(encoding="utf-8"))["queries"]
    searcher, encoder = _searcher_and_encoder(db)
    kept = total = 0
    for item in judged:
        results = searcher.search(item["query"], encoder.encode_query(item["query"]), limit=10)
        strong = {r.title for r in strong_results(results, item["query"])}
        relevant = [t for t in item["relevant"] if t in {r.title for r in results}]
        total += len(relevant)
        kept += sum(t in strong for t in relevant)
    print(f"evaluation ({EVALUATE.name}, recorded samples): {kept} of {total} relevant results "
          "in the top 10 stay above the floor")
    nonsense = [*yaml.safe_load(CHOOSE.read_text(encoding="utf-8"))["off_topic"],
                "zzqx unicorn spaceport"]
    empty = sum(not strong_results(searcher.search(q, encoder.encode_query(q), limit=20), q)
                for q in nonsense)
    print(f"evaluation (recorded samples): {empty} of {len(nonsense)} off-topic queries give "
          "no strong match")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    parser.add_argument("--eval-db", type=Path)
    args = parser.parse_args()
    choose(args.db)
    if args.eval_db:
        evaluate(args.eval_db)


if __name__ == "__main__":
    main()
