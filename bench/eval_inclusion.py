"""Precision and recall of the digest's relevance gate on labelled items (bench/data).

    .venv/bin/python -m bench.eval_inclusion

Each labelled item (real recorded GOV.UK and regional pages, and the demo snapshot's invented
pages; every include/exclude decision is ours, see bench/data/inclusion_labelled.yaml) is parsed,
given the enrichment's place, signal and funding judgements (nlp.places, nlp.signals,
nlp.funding: everything but the theme model, so no theme scores), and judged as of the day
after its publication. "Shown" is the gate's include (delivery.gate.judge; the authority's own
notices count as shown); which section then takes it needs the theme scores, not measured
here. Next to it, from the same run: the digest before issue 11 (delivery/digest.py at 38a3482,
from git), whose only gate was its sections (so without theme scores it under-includes: read
its column as a floor), and "include everything" (what the first real run did in effect).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bench.at_revision import module_at
from bench.labelled_items import content_item_document, text_sample_document
from delivery.gate import INCLUDE, OWN_NOTICE, judge
from nlp.config import load_nlp_config, load_yaml_mapping
from nlp.funding import extract_funding, parse_funding_terms
from nlp.kit import authority_pattern
from nlp.places import build_gazetteer, find_mentions, score_region
from nlp.signals import classify_signal, parse_signal_lexicon
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.records import Document, DocumentInsight, DocumentKind, ScoredDocument

PREVIOUS = "38a3482"
FETCHED = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def load_document(item: dict, samples_dir: Path) -> Document:
    parsed = content_item_document(item, samples_dir, source="govuk_news", fetched_at=FETCHED)
    if parsed is not None:
        return parsed
    return text_sample_document(samples_dir / item["regional"], source="regional",
                                kind=DocumentKind.NEWS,
                                url=f"https://bench.invalid/{item['regional']}",
                                fetched_at=FETCHED, title_chars=300)


class Judge:
    """The enrichment's non-model judgements for one profile."""

    def __init__(self, settings: Settings, profile_id: str) -> None:
        self.config = load_nlp_config(settings.config_dir)
        self.profile = load_profile(settings.config_dir, profile_id)
        self.gazetteer = build_gazetteer(self.profile, self.config.places)
        self.lexicon = parse_signal_lexicon(
            load_yaml_mapping(settings.config_dir / self.config.signals.lexicon_file))
        self.funding = parse_funding_terms(
            load_yaml_mapping(settings.config_dir / self.config.funding.terms_file))
        self.authority = authority_pattern(self.profile)

    def scored(self, document: Document, now: datetime) -> ScoredDocument:
        head = "\n".join(s for s in (document.title, document.summary) if s.strip())
        mentions = find_mentions(head, document.body_text, self.gazetteer, self.config.places)
        region = score_region(mentions, 0.0, self.config.places)
        signal = classify_signal(document, self.lexicon, self.config.signals,
                                 region_pattern=self.authority, now=now,
                                 place_pattern=self.gazetteer.pattern)
        names = [self.profile.region.name, *self.profile.region.gazetteer]
        funding = extract_funding(document, self.funding, self.config.funding, names)
        insight = DocumentInsight(
            document_id=document.id, profile=self.profile.id, signal=signal.signal,
            signal_score=signal.score, signal_reason=signal.reason, matched_terms=signal.terms,
            region_score=region.score, places=region.places, people=region.people,
            funding=funding)
        return ScoredDocument(document=document, insight=insight, first_seen_at=now,
                              last_changed_at=now)


def previous_section_for():
    """delivery/digest.py's section_for as it was at PREVIOUS (None when git cannot show it)."""
    module = module_at(PREVIOUS, "delivery/digest.py", "digest_previous")
    return module.section_for if module else None


def figures(pairs: list[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    tp = sum(gold and shown for gold, shown in pairs)
    shown = sum(s for _, s in pairs)
    gold = sum(g for g, _ in pairs)
    return (tp / shown if shown else 0.0), (tp / gold if gold else 0.0), shown, gold


def main() -> None:
    settings = Settings()
    items = yaml.safe_load((Path(__file__).parent / "data/inclusion_labelled.yaml").read_text())
    judges: dict[str, Judge] = {}
    old_section_for = previous_section_for()
    rows: dict[str, list[tuple[bool, bool]]] = {"gate": [], "previous": [], "everything": []}
    by_set: dict[str, list[tuple[bool, bool]]] = {}
    for item in items:
        judge_for = judges.setdefault(item["profile"], Judge(settings, item["profile"]))
        document = load_document(item, settings.samples_dir)
        published = document.published_at or document.updated_at
        now = (published + timedelta(days=1)) if published else FETCHED
        scored = judge_for.scored(document, now)
        verdict = judge(scored, judge_for.profile, now)
        shown = verdict.decision in (INCLUDE, OWN_NOTICE)
        before = bool(old_section_for and old_section_for(scored, judge_for.profile, now))
        gold = bool(item["include"])
        rows["gate"].append((gold, shown))
        rows["previous"].append((gold, before))
        rows["everything"].append((gold, True))
        kind = next(k for k in ("govuk", "demo", "regional") if k in item)
        by_set.setdefault(f"{kind}/{item['profile']}", []).append((gold, shown))
        if gold != shown:
            print(f"{'missed' if gold else 'let in'}: {item['profile']} "
                  f"{item.get(kind)} ({verdict.reason})")
    print(f"\n{'':<22} {'precision':>9} {'recall':>7} {'shown':>6} {'should':>7}"
          f"   (n={len(items)})")
    for name, pairs in rows.items():
        p, r, shown, gold = figures(pairs)
        label = {"gate": "gate (issue 11)", "previous": f"previous ({PREVIOUS})",
                 "everything": "include everything"}[name]
        print(f"{label:<22} {p:>9.2f} {r:>7.2f} {shown:>6} {gold:>7}")
    print("\nthe gate by set:")
    for name, pairs in sorted(by_set.items()):
        p, r, shown, gold = figures(pairs)
        print(f"  {name:<20} {p:>9.2f} {r:>7.2f} {shown:>6} {gold:>7}   (n={len(pairs)})")
    if old_section_for is None:
        print(f"(previous digest unavailable: git show {PREVIOUS} failed)")


if __name__ == "__main__":
    main()
