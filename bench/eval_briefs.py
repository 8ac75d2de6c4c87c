"""Briefing papers against the judged topics in bench/data/brief_topics.yaml (ours), next to a
baseline that takes the first sentence of each top search result; plus latency.

    .venv/bin/python -m bench.eval_briefs [--demo-db PATH] [--samples-db PATH] [--no-cold]

Per warehouse it prints recall of the required documents (cited as a source) and facts (stated
in a quoted sentence or a label), near-duplicate sentence pairs (word Jaccard >= 0.6 among the
distinct quoted sentences), and the share of quoted sentences verbatim in their cited
document (must be 100 %). The baseline gets the same sentence budget: the first sentence of
each of the top N search results, N the brief's number of distinct quoted sentences.
Latency: cold is a fresh `horizon brief` process (imports, model load, all four formats);
warm is one more brief and its four formats in a process that has already made one.
Without --demo-db, builds the demo warehouse (the daily cycle over demo/snapshot) in a
temporary folder first; samples topics need --samples-db (the cycle over ../shared/samples).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()
TOPICS = ROOT / "bench" / "data" / "brief_topics.yaml"


def build_demo_warehouse(folder: Path) -> Path:
    from flows.daily_digest import daily_digest

    db = folder / "demo.duckdb"
    daily_digest(profile="wmca", snapshot=str(ROOT / "demo" / "snapshot"), db=str(db),
                 out=str(folder / "out"))
    return db


def brief_text(brief) -> str:
    return "\n".join(part for s in brief.sections for line in s.lines
                     for part in (line.label, line.title, line.quote.text if line.quote else ""))


def baseline(service, topic: str, until: date | None, budget: int) -> tuple[list, list[str]]:
    from delivery.text import sentences
    from warehouse.search.models import SearchFilters

    results = service.searcher.search(topic, service.encoder.encode_query(topic),
                                      SearchFilters(date_to=until), max(budget, 1))
    from warehouse.brief_rows import brief_rows
    from warehouse.db import connect

    with connect(service.db_path, read_only=True) as con:
        rows = brief_rows(con, "wmca", [r.id for r in results])
    firsts = []
    for r in results:
        row = rows.get(r.id)
        if row:
            first = (sentences(row["summary"]) or sentences(row["body_text"]) or [row["title"]])
            firsts.append(f"{row['title']}\n{first[0]}")
    return [rows[r.id]["title"] for r in results if r.id in rows], firsts


def evaluate(db: Path, topics: list[dict], encoder) -> tuple[list[dict], list[float]]:
    from delivery.brief.docx import render_docx
    from delivery.brief.render import render_html, render_markdown, render_pdf
    from delivery.brief.retrieve import BriefRequest
    from delivery.brief.select import near_duplicates
    from delivery.brief.service import BriefService
    from delivery.brief.trace import untraceable_quotes

    service = BriefService(db, Settings().config_dir, encoder)
    rows, warm = [], []
    for number, t in enumerate(topics):
        started = time.perf_counter()
        brief = service.brief(BriefRequest(topic=t["topic"], until=t.get("until")), "wmca")
        for render in (render_html, render_markdown, render_docx, render_pdf):
            render(brief)
        if number:  # the first one loads the index and warms the model
            warm.append(time.perf_counter() - started)
        quotes = list(dict.fromkeys(q.text for q in brief.quotes()))
        cited = {s.title for s in brief.sources}
        text = brief_text(brief)
        base_titles, base_sentences = baseline(service, t["topic"], t.get("until"),
                                               len(quotes))
        base_text = "\n".join(base_sentences)
        docs, facts = t["documents"], t.get("facts", [])
        rows.append({
            "topic": t["topic"], "sources": len(brief.sources), "quotes": len(quotes),
            "doc_recall": sum(d in cited for d in docs) / len(docs),
            "fact_recall": sum(f in text for f in facts) / len(facts) if facts else 1.0,
            "redundant": near_duplicates(quotes),
            "traceable": 1 - len(untraceable_quotes(brief)) / max(len(brief.quotes()), 1),
            "base_doc_recall": sum(d in set(base_titles) for d in docs) / len(docs),
            "base_fact_recall": (sum(f in base_text for f in facts) / len(facts)
                                 if facts else 1.0),
            "base_redundant": near_duplicates([s.split("\n", 1)[1] for s in base_sentences]),
        })
    return rows, warm


def cold_seconds(db: Path, topic: str, until: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flows.cli", "brief", topic, "--until", until,
                        "--db", str(db), "--out", out], cwd=ROOT, check=True,
                       capture_output=True, timeout=300)
        return time.perf_counter() - started


def report(name: str, rows: list[dict]) -> None:
    print(f"\n{name}: {len(rows)} topics")
    print(f"{'topic':48} {'src':>3} {'q':>3} {'docs':>5} {'facts':>5} {'dup':>3} {'trace':>5}"
          f" | {'b.docs':>6} {'b.facts':>7} {'b.dup':>5}")
    for r in rows:
        print(f"{r['topic'][:48]:48} {r['sources']:>3} {r['quotes']:>3} {r['doc_recall']:>5.2f}"
              f" {r['fact_recall']:>5.2f} {r['redundant']:>3} {r['traceable']:>5.0%} |"
              f" {r['base_doc_recall']:>6.2f} {r['base_fact_recall']:>7.2f}"
              f" {r['base_redundant']:>5}")
    mean = {k: statistics.mean(r[k] for r in rows) for k in rows[0] if k != "topic"}
    print(f"{'MEAN':48} {mean['sources']:>3.0f} {mean['quotes']:>3.0f} {mean['doc_recall']:>5.2f}"
          f" {mean['fact_recall']:>5.2f} {sum(r['redundant'] for r in rows):>3}"
          f" {mean['traceable']:>5.0%} | {mean['base_doc_recall']:>6.2f}"
          f" {mean['base_fact_recall']:>7.2f} {sum(r['base_redundant'] for r in rows):>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-db", type=Path)
    parser.add_argument("--samples-db", type=Path)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-process timing")
    args = parser.parse_args()
    from delivery.brief.service import QUERY_THREADS
    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder

    topics = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]
    encoder = load_query_encoder(load_nlp_config(Settings().config_dir),
                                 threads=QUERY_THREADS)
    with tempfile.TemporaryDirectory() as folder:
        demo = args.demo_db or build_demo_warehouse(Path(folder))
        dbs = {"demo": demo, "samples": args.samples_db}
        for name, db in dbs.items():
            chosen = [t for t in topics if t["warehouse"] == name]
            if not chosen:
                continue
            if db is None:
                print(f"\n{name}: {len(chosen)} topics skipped (pass --{name}-db)")
                continue
            rows, warm = evaluate(db, chosen, encoder)
            report(f"{name} warehouse ({db})", rows)
            if warm:
                print(f"warm brief + 4 formats: median {statistics.median(warm):.1f} s, "
                      f"max {max(warm):.1f} s over {len(warm)} topics (target < 10 s)")
        if not args.no_cold:
            first = next(t for t in topics if t["warehouse"] == "demo")
            print(f"cold `horizon brief` (new process, 4 formats): "
                  f"{cold_seconds(demo, first['topic'], str(first['until'])):.1f} s "
                  "(target < 30 s)")


if __name__ == "__main__":
    main()
