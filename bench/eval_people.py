"""Direction of contributions towards the region or the authority: per-class P/R and confusion.

    .venv/bin/python -m bench.eval_people             # rules vs the document-level signal
    .venv/bin/python -m bench.eval_people --errors    # also list the misclassified items

The labelled set is bench/data/people_direction.jsonl: 105 contributions LABELLED BY US (issue
16), each a reference (URL and role, or excerpt file and first words), never the text: the texts
are read from the recorded samples (HORIZON_SAMPLES_DIR, ../shared/samples) and the demo
snapshot and parsed with the real parsers. 30 are the recorded contributions that name the
region or the authority, 50 a seeded sample of recorded contributions that name local
government but neither (neutral towards WMCA by definition), 17 the demo week's (invented), 8
paragraphs of the recorded Hansard page excerpts. Reported on the same items:
  - rules: nlp/direction.py with config/direction_lexicon.yaml, on the person's own words;
  - document signal as is: the enrichment's threat/opportunity/neutral of the whole document
    (nlp/signals.py, WMCA), read as critical/supportive/neutral.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from nlp.config import load_nlp_config, load_yaml_mapping
from nlp.contributions import region_pattern
from nlp.direction import classify_direction, parse_direction_lexicon
from nlp.kit import authority_pattern
from nlp.people import mentions_of
from nlp.places import build_gazetteer
from nlp.signals import classify_signal, parse_signal_lexicon
from tests.support.people_samples import demo_documents, parlparse_documents, question_documents
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.records import Document, DocumentKind

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "people_direction.jsonl"
CLASSES = ["supportive", "critical", "neutral"]
AS_DIRECTION = {"opportunity": "supportive", "threat": "critical", "neutral": "neutral"}
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _texts(samples: Path) -> tuple[dict, dict]:
    """(url, role[, name]) -> (contribution text, its document)."""
    wq = samples / "written_questions_api" / \
        "writtenquestions_questions_tabled_2024-01-05_20items.json"
    found: dict = {}
    for document in [*parlparse_documents(samples / "twfy_parlparse_xml"),
                     *question_documents(wq), *demo_documents()]:
        for m in mentions_of(document):
            for key in ((document.url, m.role.value), (document.url, m.role.value, m.name)):
                found.setdefault(key, (m.text, document))
    return found, {}


def _excerpt(samples: Path, item: dict) -> tuple[str, Document]:
    page = (samples / "hansard_page_excerpts" / item["file"]).read_text(encoding="utf-8")
    paragraph = next(p for p in page.split("\n\n") if p.startswith(item["starts"]))
    title = next(line for line in page.splitlines()[1:] if line.strip())
    document = Document(source="hansard_page", kind=DocumentKind.DEBATE, title=title,
                        url=f"https://hansard.parliament.uk/excerpt/{item['file']}",
                        body_text=page, fetched_at=NOW, parser_version="excerpt/1")
    return paragraph, document


def report(name: str, gold: list[str], predicted: list[str]) -> None:
    print(f"\n{name}")
    print(f"  {'class':<11} {'P':>5} {'R':>5} {'F1':>5} {'n':>4}")
    f1s = []
    for c in CLASSES:
        tp = sum(g == p == c for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == c and g != c for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, predicted, strict=True))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"  {c:<11} {p:5.2f} {r:5.2f} {f1:5.2f} {gold.count(c):4d}")
    print(f"  macro-F1 {sum(f1s) / len(f1s):.3f}; accuracy "
          f"{sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold):.3f}")
    print("  confusion (rows gold, columns predicted): " + " ".join(f"{c[:4]:>5}"
                                                                   for c in CLASSES))
    for g in CLASSES:
        print(f"  {g:<41}" + " ".join(
            f"{sum(a == g and b == c for a, b in zip(gold, predicted, strict=True)):5d}"
            for c in CLASSES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="List the misclassified items.")
    args = parser.parse_args()
    samples = Settings().samples_dir / "parliament"
    if not samples.is_dir():
        sys.exit(f"recorded samples not found at {samples}; set HORIZON_SAMPLES_DIR")
    config_dir = ROOT / "config"
    profile = load_profile(config_dir, "wmca")
    config = load_nlp_config(config_dir)
    lexicon = parse_direction_lexicon(load_yaml_mapping(config_dir / "direction_lexicon.yaml"))
    signals = parse_signal_lexicon(load_yaml_mapping(config_dir / config.signals.lexicon_file))
    places = build_gazetteer(profile, config.places).pattern
    region, authority = region_pattern(profile), authority_pattern(profile)
    texts, _ = _texts(samples)
    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    gold, rules, baseline, where = [], [], [], []
    for item in items:
        if item["source"] == "recorded_hansard_excerpt":
            text, document = _excerpt(samples, item)
        else:
            key = (item["url"], item["role"], item["name"]) if "name" in item else (
                item["url"], item["role"])
            text, document = texts[key]
        gold.append(item["label"])
        match = classify_direction(text, lexicon, region=region, authority=authority)
        rules.append(str(match.direction))
        signal = classify_signal(document, signals, config.signals, region_pattern=authority,
                                 now=NOW, place_pattern=places)
        baseline.append(AS_DIRECTION[signal.signal.value])
        where.append((item.get("url") or item.get("file"), match.sentence or text[:120]))
    print(f"{len(items)} contributions labelled by us (bench/data/people_direction.jsonl): "
          + ", ".join(f"{gold.count(c)} {c}" for c in CLASSES))
    report("rules (nlp/direction.py, contribution level)", gold, rules)
    report("document-level signal as is (opportunity=supportive, threat=critical)", gold,
           baseline)
    if args.errors:
        print("\nrules' errors:")
        for g, p, (ref, said) in zip(gold, rules, where, strict=True):
            if g != p:
                print(f"  gold {g}, got {p}: {ref}\n    {said[:160]}")


if __name__ == "__main__":
    main()
