"""The labelled signal set (bench/data/signals.jsonl, labelled by us; rules in
bench/data/signals_README.md), its naive keyword baseline and its scores: shared by
bench/eval_signals.py and the tests that check the set."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.data_paths import ROOT

DATA = ROOT / "bench" / "data" / "signals.jsonl"
CLASSES = ["threat", "opportunity", "neutral"]
_OPPORTUNITY = re.compile(r"funding|invest|new", re.IGNORECASE)
_THREAT = re.compile(r"cut|delay|withdraw", re.IGNORECASE)


def load_signal_set(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


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
