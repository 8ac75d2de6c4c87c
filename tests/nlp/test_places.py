"""Place relevance: gazetteer mentions, weak mentions inside other names, spaCy's EntityRuler."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from nlp.config import NlpConfig
from nlp.entities import EntityTagger, load_entity_tagger
from nlp.places import build_gazetteer, find_mentions, ner_windows, score_region
from tests.support.nlp_samples import sample_document
from warehouse.config.profiles import Profile
from warehouse.records import Document

PRISON = "govuk/content_api/speech/speech-oral-statement-parliament.json"
BUSES = "regional/wmca/wmca.org.uk_news_2025-05-09_revolution-in-region-s-bus-services.txt"


@pytest.fixture(scope="module")
def tagger(config_dir: Path, nlp_config: NlpConfig, wmca: Profile) -> EntityTagger:
    return load_entity_tagger(config_dir, nlp_config, wmca)


def _region(document: Document, wmca, nlp_config, topical: float, tagger=None):
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    head = f"{document.title}\n{document.summary}"
    spans = None
    if tagger is not None:
        [found] = tagger.entities([f"{head}\n{document.body_text[:3000]}"])
        spans = [(s, e, t) for s, e, t, _ in found]
    mentions = find_mentions(head, document.body_text, gazetteer, nlp_config.places, spans)
    return mentions, score_region(mentions, topical, nlp_config.places)


def test_places_prison_statement_scores_below_regional_transport(
    samples_dir, wmca, nlp_config, tagger
) -> None:
    _, prison = _region(sample_document(samples_dir, PRISON), wmca, nlp_config, 0.5, tagger)
    _, buses = _region(sample_document(samples_dir, BUSES), wmca, nlp_config, 0.5, tagger)
    assert prison.score < buses.score
    assert buses.score > 0.6


def test_places_hmp_birmingham_is_a_weak_mention(samples_dir, wmca, nlp_config) -> None:
    mentions, _ = _region(sample_document(samples_dir, PRISON), wmca, nlp_config, 1.0)
    as_prison = [m for m in mentions if m.name == "Birmingham" and m.in_head]
    assert as_prison and all(m.weak for m in as_prison)  # "HMP Birmingham" in the title


def test_places_mayor_and_mps_are_people(wmca, nlp_config) -> None:
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    mentions = find_mentions("Richard Parker meets Liam Byrne in Coventry", "", gazetteer,
                             nlp_config.places)
    region = score_region(mentions, 1.0, nlp_config.places)
    assert set(region.people) == {"Richard Parker", "Liam Byrne"}
    assert region.places == ["Coventry"]


def test_places_unrelated_text_scores_zero(wmca, nlp_config) -> None:
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    mentions = find_mentions("Fishing quotas agreed", "Cod and haddock limits.", gazetteer,
                             nlp_config.places)
    assert score_region(mentions, 1.0, nlp_config.places).score == 0.0


def test_places_off_topic_document_scores_lower_than_on_topic(wmca, nlp_config) -> None:
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    mentions = find_mentions("Event in Birmingham", "", gazetteer, nlp_config.places)
    assert score_region(mentions, 0.0, nlp_config.places).score < score_region(
        mentions, 1.0, nlp_config.places).score


def test_places_entity_ruler_tags_uk_bodies_from_config(tagger: EntityTagger) -> None:
    [found] = tagger.entities(["Homes England and Transport for West Midlands agreed a deal."])
    labels = {text: label for _, _, text, label in found}
    assert labels.get("Homes England") == "ORG"
    assert labels.get("Transport for West Midlands") == "ORG"


def test_places_ner_windows_reach_mentions_deep_in_the_body(wmca, nlp_config) -> None:
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    filler = "Cod and haddock limits were agreed. " * 400  # ~14,000 characters
    body = f"{filler}Coventry gets a new station. {filler}"
    head = "Fishing quotas"
    windows = ner_windows(head, body, gazetteer, nlp_config.places)
    joined = f"{head}\n{body}"
    mention = joined.index("Coventry")
    assert windows[0][0] == 0
    assert any(start <= mention and mention + len("Coventry") <= end for start, end in windows)


def test_places_ner_windows_are_bounded_on_a_huge_body(wmca, nlp_config) -> None:
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    body = "Birmingham and Coventry and Wolverhampton. Cod and haddock. " * 20_000
    windows = ner_windows("Title", body, gazetteer, nlp_config.places)
    covered = sum(end - start for start, end in windows)
    assert covered <= 2 * nlp_config.places.spacy_max_chars + len("Title\n")
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(windows))


def test_places_entities_in_windows_are_offsets_into_the_whole_text(
    tagger: EntityTagger, wmca, nlp_config
) -> None:
    gazetteer = build_gazetteer(wmca, nlp_config.places)
    body = "Cod and haddock limits were agreed. " * 200 + "Homes England visited Coventry."
    text = f"Quotas\n{body}"
    windows = ner_windows("Quotas", body, gazetteer, nlp_config.places)
    [found] = tagger.entities_in_windows([text], [windows])
    assert ("Homes England", "ORG") in {(text[s:e], label) for s, e, _, label in found}
