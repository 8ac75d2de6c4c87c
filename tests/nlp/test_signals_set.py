"""The labelled signal set (bench/data/signals.jsonl) is well formed and split as documented."""

from __future__ import annotations

import hashlib

import pytest

from tests.support.signal_set import CLASSES, baseline, load_signal_set, scores


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_signal_set()


def test_signals_set_ids_are_unique_and_derived_from_provenance(records) -> None:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for record in records:
        key = "|".join([record["origin"], record["source"], record["ref"], record["title"]])
        assert record["id"] == "sig-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def test_signals_set_split_follows_the_id_hash(records) -> None:
    for record in records:
        expected = "test" if int(hashlib.sha1(record["id"].encode()).hexdigest(), 16) % 5 < 2 \
            else "dev"
        assert record["split"] == expected


def test_signals_set_labels_and_text(records) -> None:
    for record in records:
        assert record["label"] in CLASSES
        assert record.get("label_cpca", record["label"]) in CLASSES
        assert record["rationale"].strip()
        assert (record["title"] + record["description"] + record["passage"]).strip()
        assert record["origin"] in {"samples", "demo", "hand"}


def test_signals_set_each_split_has_every_class(records) -> None:
    for split in ("dev", "test"):
        labels = {r["label"] for r in records if r["split"] == split}
        assert labels == set(CLASSES)


def test_signals_set_scores_count_a_confusion_matrix() -> None:
    per_class, macro, matrix = scores(["threat", "neutral", "neutral", "opportunity"],
                                      ["threat", "threat", "neutral", "neutral"])
    assert matrix[0] == [1, 0, 0] and matrix[2] == [1, 0, 1]
    assert per_class["threat"][:3] == (0.5, 1.0, pytest.approx(2 / 3))
    assert per_class["opportunity"][2] == 0.0
    assert per_class["neutral"][:3] == (0.5, 0.5, 0.5)
    assert macro == pytest.approx((2 / 3 + 0.0 + 0.5) / 3)


def test_signals_set_baseline_is_keyword_polarity() -> None:
    item = {"title": "Funding cut", "description": "", "passage": "The scheme was delayed."}
    assert baseline(item) == "threat"
    assert baseline({"title": "New investment", "description": "", "passage": ""}) == \
        "opportunity"
    assert baseline({"title": "Statistics", "description": "", "passage": ""}) == "neutral"
