"""Field-level accuracy of extracted funding facts on labelled fixtures (bench/data).

    .venv/bin/python -m bench.eval_funding

Each fixture (real recorded funding pages and GOV.UK calls, plus hand-written calls) is turned
into a Document and run through nlp.funding.extract_funding; every field is compared with the
gold value (amounts exactly, dates to the minute with their offset, applicant and place lists as
sets, match funding as present/absent). Next to it, from the same run: the extractor as it was
before issue 11 (nlp/funding.py at commit 38a3482, read with `git show` and loaded as a module)
and a "none" baseline (every field empty). `demo` items are the demo snapshot's invented
GOV.UK pages (ours); issue 11 added them and the `regional_amount_gbp` and `deadline_stage`
fields (gold missing on older items means none).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from bench.at_revision import module_at
from bench.labelled_items import content_item_document, text_sample_document
from nlp.config import load_nlp_config, load_yaml_mapping
from nlp.funding import extract_funding, parse_funding_terms
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.records import Document, DocumentKind, FundingFacts

FIELDS = ["funder", "total_amount_gbp", "max_award_gbp", "min_award_gbp", "opens_at",
          "closes_at", "eligible_applicants", "place_restrictions", "match_funding",
          "eligible_for_authority", "regional_amount_gbp", "deadline_stage"]
PREVIOUS = "38a3482"  # nlp/funding.py before issue 11
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def fixture_document(item: dict, samples_dir: Path) -> Document:
    parsed = content_item_document(item, samples_dir, source="govuk", fetched_at=NOW)
    if parsed is not None:
        return parsed
    url = f"https://bench.invalid/{item['id']}"
    if "sample" in item:
        return text_sample_document(samples_dir / item["sample"], source="bench",
                                    kind=DocumentKind.OTHER, url=url, fetched_at=NOW)
    return Document(source="bench", kind=DocumentKind(item.get("kind", "other")), url=url,
                    title=item["title"], body_text=item["text"], fetched_at=NOW,
                    parser_version="bench/1")


def field_correct(name: str, facts: FundingFacts | None, gold: dict) -> bool:
    value = getattr(facts, name, None) if facts is not None else None
    expected = gold.get(name, "" if name == "deadline_stage" else None)
    if name == "deadline_stage":
        return (value or "") == expected
    if name == "funder":
        return (value or "") in expected
    if name in ("opens_at", "closes_at"):
        return (value.isoformat() if value else None) == expected
    if name == "eligible_applicants":
        return {a.value for a in value or []} == set(expected)
    if name == "place_restrictions":
        return set(value or []) == set(expected)
    if name == "match_funding":
        return bool(value) == expected
    if name == "eligible_for_authority":
        return value == expected
    return (value is None and expected is None) or (
        value is not None and expected is not None and abs(value - expected) < 0.5)


def previous_extractor():
    """nlp/funding.py as it was at PREVIOUS, from git (None when git cannot show it)."""
    return module_at(PREVIOUS, "nlp/funding.py", "funding_previous")


def main() -> None:
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    data = load_yaml_mapping(settings.config_dir / config.funding.terms_file)
    terms = parse_funding_terms(data)
    old = previous_extractor()
    old_terms = old.parse_funding_terms(data) if old else None
    profile = load_profile(settings.config_dir, "wmca")
    region = [profile.region.name, *profile.region.gazetteer]
    items = yaml.safe_load((Path(__file__).parent / "data/funding_labelled.yaml").read_text())
    right, before, baseline = (dict.fromkeys(FIELDS, 0) for _ in range(3))
    for item in items:
        document = fixture_document(item, settings.samples_dir)
        facts = extract_funding(document, terms, config.funding, region)
        previous = old.extract_funding(document, old_terms, config.funding, region) if old else None
        wrong = [f for f in FIELDS if not field_correct(f, facts, item["gold"])]
        for field in FIELDS:
            right[field] += field not in wrong
            before[field] += field_correct(field, previous, item["gold"])
            baseline[field] += field_correct(field, FundingFacts(), item["gold"])
        print(f"{item['id']:<32} {len(FIELDS) - len(wrong)}/{len(FIELDS)}"
              + (f"  wrong: {', '.join(wrong)}" if wrong else ""))
    n = len(items)
    print(f"\n{'field':<24} {'extractor':>10} {'previous':>10} {'empty baseline':>15}   (n={n})")
    for field in FIELDS:
        print(f"{field:<24} {right[field] / n:>10.2f} {before[field] / n:>10.2f} "
              f"{baseline[field] / n:>15.2f}")
    cells = n * len(FIELDS)
    print(f"{'all fields':<24} {sum(right.values()) / cells:>10.2f} "
          f"{sum(before.values()) / cells:>10.2f} {sum(baseline.values()) / cells:>15.2f}")
    if old is None:
        print(f"(previous extractor unavailable: git show {PREVIOUS} failed)")


if __name__ == "__main__":
    main()
