"""Threat / opportunity / neutral: per-class precision, recall, F1, macro-F1 and confusion matrix.

    .venv/bin/python bench/eval_signals.py                # the held-aside test split
    .venv/bin/python bench/eval_signals.py --split dev    # the split the rules were tuned on
    .venv/bin/python bench/eval_signals.py --errors       # also list the misclassified items

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
import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.config import load_nlp_config, load_yaml_mapping
from nlp.kit import authority_pattern
from nlp.places import build_gazetteer
from nlp.signals import classify_signal, parse_signal_lexicon
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.records import Document, DocumentKind

DATA = Path(__file__).resolve().parent / "data" / "signals.jsonl"
CLASSES = ["threat", "opportunity", "neutral"]
NOW = datetime(2026, 11, 22, tzinfo=UTC)
_OPPORTUNITY = re.compile(r"funding|invest|new", re.IGNORECASE)
_THREAT = re.compile(r"cut|delay|withdraw", re.IGNORECASE)


def load_signal_set(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def to_document(record: dict) -> Document:
    try:
        kind = DocumentKind(record.get("kind", "other"))
    except ValueError:
        kind = DocumentKind.OTHER
    return Document(source="bench", kind=kind, url="https://bench.invalid/" + record["id"],
                    title=record["title"] or "(untitled)", summary=record["description"],
                    body_text=record["passage"], fetched_at="2026-11-22T00:00:00+00:00",
                    parser_version="bench/1")


def baseline(record: dict) -> str:
    text = " ".join((record["title"], record["description"], record["passage"]))
    good, bad = len(_OPPORTUNITY.findall(text)), len(_THREAT.findall(text))
    if good == bad:
        return "neutral"
    return "opportunity" if good > bad else "threat"


def scores(truth: list[str], predicted: list[str]) -> tuple[dict[str, tuple], float, list[list]]:
    per_class, matrix = {}, [[0] * len(CLASSES) for _ in CLASSES]
    for t, p in zip(truth, predicted, strict=True):
        matrix[CLASSES.index(t)][CLASSES.index(p)] += 1
    for i, name in enumerate(CLASSES):
        tp = matrix[i][i]
        fp = sum(matrix[j][i] for j in range(len(CLASSES))) - tp
        fn = sum(matrix[i]) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = (precision, recall, f1, tp + fn)
    macro = sum(v[2] for v in per_class.values()) / len(CLASSES)
    return per_class, macro, matrix


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
