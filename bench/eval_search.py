"""Relevance of search on the replayed samples: nDCG@10 and recall@10 for dense only, keyword
only and hybrid, over the judged queries in bench/data/search_queries.yaml.

    .venv/bin/python -m bench.eval_search [--db PATH]

Without --db, runs the daily cycle over the samples (HORIZON_SAMPLES_DIR) into a temporary
folder first (a few minutes on 2 cores), which publishes the search index.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from datetime import date
from pathlib import Path

import yaml

from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()
QUERIES = ROOT / "bench" / "data" / "search_queries.yaml"
K = 10


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    gain = sum((2 ** grades.get(t, 0) - 1) / math.log2(i + 2) for i, t in enumerate(ranked[:k]))
    ideal = sum((2 ** g - 1) / math.log2(i + 2)
                for i, g in enumerate(sorted(grades.values(), reverse=True)[:k]))
    return gain / ideal if ideal else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {t for t, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant)


def build_samples_warehouse(folder: Path) -> Path:
    from flows.daily_digest import daily_digest

    db = folder / "horizon.duckdb"
    daily_digest(profile="wmca", snapshot=str(Settings().samples_dir), db=str(db),
                 out=str(folder / "out"), day=date(2026, 11, 22))
    return db


def evaluate(db: Path) -> dict[str, dict[str, float]]:
    from nlp.config import load_nlp_config
    from nlp.encoder import load_encoder
    from warehouse.search.engine import Searcher

    judged = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    encoder = load_encoder(load_nlp_config(Settings().config_dir))
    searcher = Searcher(db)
    scores: dict[str, dict[str, list[float]]] = {}
    for item in judged:
        vector = encoder.encode([item["query"]])[0]
        runs = {
            "dense only": searcher.search("", vector, limit=K),
            "keyword only": searcher.search(item["query"], None, limit=K),
            "hybrid": searcher.search(item["query"], vector, limit=K),
        }
        for mode, results in runs.items():
            ranked = [r.title for r in results]
            bucket = scores.setdefault(mode, {"ndcg@10": [], "recall@10": []})
            bucket["ndcg@10"].append(ndcg(ranked, item["relevant"]))
            bucket["recall@10"].append(recall(ranked, item["relevant"]))
    return {mode: {name: sum(v) / len(v) for name, v in metrics.items()}
            for mode, metrics in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="warehouse with a published search index")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="horizon-eval-") as tmp:
        db = args.db or build_samples_warehouse(Path(tmp))
        results = evaluate(db)
    count = len(yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"])
    print(f"{count} judged queries over the replayed samples ({db.name})")
    print(f"{'mode':<14}{'nDCG@10':>10}{'recall@10':>12}")
    for mode, metrics in results.items():
        print(f"{mode:<14}{metrics['ndcg@10']:>10.3f}{metrics['recall@10']:>12.3f}")


if __name__ == "__main__":
    main()
