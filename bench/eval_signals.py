"""Threat / opportunity / neutral: per-class precision, recall, F1, macro-F1 and confusion matrix.

    .venv/bin/python -m bench.eval_signals                # the held-aside test split
    .venv/bin/python -m bench.eval_signals --split dev    # the split the rules were tuned on
    .venv/bin/python -m bench.eval_signals --errors       # also list the misclassified items

The labelled set is bench/data/signals.jsonl (rules in bench/data/signals_README.md). Reported
in the same run, on the same items:
  - baseline: naive keyword polarity. Any of "funding|invest|new" -> opportunity, any of
    "cut|delay|withdraw" -> threat (substring match on title + description + passage); both or
    neither -> the side with more hits, neutral on a tie;
  - rules: nlp/signals.py with config/signal_lexicon.yaml, as the enrichment runs it (for WMCA).
Macro-F1 is also broken down by origin (real samples, demo snapshot, hand-written hard cases).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from nlp.config import load_nlp_config, load_yaml_mapping
from nlp.kit import authority_pattern
from nlp.places import build_gazetteer
from nlp.signals import classify_signal, parse_signal_lexicon
from tests.support.signal_set import CLASSES, baseline, load_signal_set, scores
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.records import Document, DocumentKind

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def to_document(record: dict) -> Document:
    try:
        kind = DocumentKind(record.get("kind", "other"))
    except ValueError:
        kind = DocumentKind.OTHER
    return Document(source="bench", kind=kind, url="https://bench.invalid/" + record["id"],
                    title=record["title"] or "(untitled)", summary=record["description"],
                    body_text=record["passage"], fetched_at="2026-11-22T00:00:00+00:00",
                    parser_version="bench/1")


def report(name: str, truth: list[str], predicted: list[str]) -> float:
    per_class, macro, matrix = scores(truth, predicted)
    print(f"\n{name}: macro-F1 {macro:.3f}")
    print(f"  {'class':<12}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}")
    for label, (p, r, f1, n) in per_class.items():
        print(f"  {label:<12}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{n:>5}")
    print("  confusion (rows true, columns predicted): " + " / ".join(CLASSES))
    for label, row in zip(CLASSES, matrix, strict=True):
        print(f"  {label:<12}" + "".join(f"{v:>7}" for v in row))
    return macro


def rules_classifier(profile_id: str) -> Callable[[dict], tuple[str, str]]:
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    lexicon = parse_signal_lexicon(
        load_yaml_mapping(settings.config_dir / config.signals.lexicon_file))
    profile = load_profile(settings.config_dir, profile_id)
    pattern = authority_pattern(profile)
    places = build_gazetteer(profile, config.places).pattern

    def classify(record: dict) -> tuple[str, str]:
        match = classify_signal(to_document(record), lexicon, config.signals,
                                region_pattern=pattern, now=NOW, place_pattern=places)
        return match.signal.value, match.reason

    return classify


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    records = [r for r in load_signal_set() if args.split == "all" or r["split"] == args.split]
    classify = rules_classifier("wmca")
    truth = [r["label"] for r in records]
    naive = [baseline(r) for r in records]
    ruled = [classify(r) for r in records]
    print(f"signal set: {len(records)} items ({args.split} split), profile wmca; "
          f"classes {', '.join(f'{c} {truth.count(c)}' for c in CLASSES)}")
    report("baseline (keyword polarity)", truth, naive)
    report("rules (nlp/signals.py)", truth, [p for p, _ in ruled])
    print("\nmacro-F1 by origin (baseline -> rules):")
    for origin in sorted({r["origin"] for r in records}):
        idx = [i for i, r in enumerate(records) if r["origin"] == origin]
        sub = [truth[i] for i in idx]
        base = scores(sub, [naive[i] for i in idx])[1]
        rule = scores(sub, [ruled[i][0] for i in idx])[1]
        print(f"  {origin:<8} n={len(idx):<4} {base:.3f} -> {rule:.3f}")
    if args.errors:
        print("\nmisclassified by the rules:")
        for record, (predicted, reason) in zip(records, ruled, strict=True):
            if predicted != record["label"]:
                print(f"  [{record['label']} -> {predicted}] {record['id']} {record['title'][:70]}"
                      f"\n      {reason[:200]}")


if __name__ == "__main__":
    main()
