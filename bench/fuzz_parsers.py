"""Fuzz the feed and JSON parsers (and, with --all, every parser of scrapers/**) with hypothesis.

    .venv/bin/python -m bench.fuzz_parsers [--cases 5000] [--all] [--seed 0]

Each parser gets --cases bodies twice from one run: plain random bytes (the baseline) and the
structure-aware mix of tests/support/parser_cases.py (JSON- and XML-shaped values, mutated
real payloads). A parser may refuse a body with ParseError; any other exception is a crash,
printed with the smallest body hypothesis found. Prints one line per parser and strategy:
cases run, refused, crashes, seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from scrapers.errors import ParseError
from tests.support.parser_cases import PARSERS, Parser, bodies, seeds

ROOT = Path(__file__).resolve().parents[1]
FEED_AND_JSON = ("parse_feed", "load_json_any", "load_json_object", "parse_search_page",
                 "parse_content_item", "parse_atom_pages", "parse_bills_feed",
                 "parse_crawl_output")


def fuzz(parser: Parser, strategy: st.SearchStrategy[bytes], cases: int,
         run_seed: int) -> dict:
    tally = {"cases": 0, "refused": 0, "crashes": 0, "first_crash": ""}

    @seed(run_seed)
    @settings(max_examples=cases, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(body: bytes) -> None:
        tally["cases"] += 1
        try:
            parser(body)
        except ParseError:
            tally["refused"] += 1
        except Exception as error:  # a crash: count it, keep going
            tally["crashes"] += 1
            tally["first_crash"] = tally["first_crash"] or (
                f"{type(error).__name__}: {error} on {body[:80]!r}")

    started = time.perf_counter()
    run()
    tally["seconds"] = time.perf_counter() - started
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per parser and strategy")
    parser.add_argument("--all", action="store_true", help="every parser, not only feed/JSON")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    names = sorted(PARSERS) if options.all else list(FEED_AND_JSON)
    strategies = {"random-bytes": st.binary(max_size=2000), "structured": bodies(seeds())}
    totals = {"cases": 0, "crashes": 0, "seconds": 0.0}
    print(f"{'parser':40} {'strategy':13} {'cases':>6} {'refused':>8} {'crashes':>8} {'s':>6}")
    for name in names:
        for label, strategy in strategies.items():
            tally = fuzz(PARSERS[name], strategy, options.cases, options.seed)
            for key in totals:
                totals[key] += tally[key]
            print(f"{name:40} {label:13} {tally['cases']:6d} {tally['refused']:8d}"
                  f" {tally['crashes']:8d} {tally['seconds']:6.1f}")
            if tally["first_crash"]:
                print(f"    first crash: {tally['first_crash'][:300]}")
    print(f"TOTAL {len(names)} parsers: {totals['cases']} cases, {totals['crashes']} crashes,"
          f" {totals['seconds']:.1f} s ({totals['cases'] / max(totals['seconds'], 1e-9):.0f}"
          " cases/s)")
    sys.exit(1 if totals["crashes"] else 0)


if __name__ == "__main__":
    main()
