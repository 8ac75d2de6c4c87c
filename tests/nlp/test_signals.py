"""Threat / opportunity on real recorded texts and on sentences that test one rule each."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_document
from nlp_samples import sample_document

from nlp.config import NlpConfig, load_yaml_mapping
from nlp.kit import authority_pattern
from nlp.signals import SignalLexicon, SignalMatch, classify_signal, parse_signal_lexicon
from warehouse.profiles import Profile
from warehouse.records import Document, DocumentKind, Signal

NOW = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def lexicon(config_dir: Path, nlp_config: NlpConfig) -> SignalLexicon:
    return parse_signal_lexicon(load_yaml_mapping(config_dir / nlp_config.signals.lexicon_file))


def _signal(document: Document, lexicon, nlp_config, wmca: Profile) -> SignalMatch:
    return classify_signal(document, lexicon, nlp_config.signals,
                           region_pattern=authority_pattern(wmca), now=NOW)


def test_signals_government_award_to_the_region_is_an_opportunity(
    samples_dir, lexicon, nlp_config, wmca
) -> None:
    document = sample_document(
        samples_dir, "funding/page_excerpts/techsparx_govt_awards_10m_wm_innovation_programme.txt")
    match = _signal(document, lexicon, nlp_config, wmca)
    assert match.signal is Signal.OPPORTUNITY
    assert match.reason.startswith("Opportunity:")
    assert match.terms
    assert 0.0 < match.score <= 1.0


def test_signals_devolution_deal_is_an_opportunity(samples_dir, lexicon, nlp_config, wmca) -> None:
    document = sample_document(
        samples_dir,
        "regional/wmca/wmca.org.uk_news_housing-and-industrial-strategy-second-devolution-deal.txt")
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.OPPORTUNITY


def test_signals_cut_and_withdrawn_scheme_is_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Bus funding cut and tram extension scrapped",
                             summary="The scheme has been withdrawn.", body_text="")
    match = _signal(document, lexicon, nlp_config, wmca)
    assert match.signal is Signal.THREAT
    assert "cuts" in match.reason or "withdrawn" in match.reason


def test_signals_hyphenated_words_do_not_trigger(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Cutting-edge research centre opens", summary="",
                             body_text="A cutting-edge lab.")
    assert _signal(document, lexicon, nlp_config, wmca).signal is not Signal.THREAT


def test_signals_scrutiny_of_the_authority_is_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Committee report", summary="",
                             body_text="MPs criticised the West Midlands Combined Authority for "
                             "failings in its bus contracts.")
    match = _signal(document, lexicon, nlp_config, wmca)
    assert match.signal is Signal.THREAT
    assert "adverse scrutiny of the authority" in match.reason


def test_signals_rival_place_winning_is_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Greater Manchester selected for gigafactory", summary="",
                             body_text="")
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.THREAT


def test_signals_open_consultation_is_an_opportunity(lexicon, nlp_config, wmca) -> None:
    document = make_document(kind=DocumentKind.CONSULTATION, title="Bus services review",
                             summary="", body_text="",
                             closes_at=datetime(2026, 2, 1, tzinfo=UTC))
    match = _signal(document, lexicon, nlp_config, wmca)
    assert match.signal is Signal.OPPORTUNITY
    assert "consultation" in match.reason


def test_signals_off_topic_statement_is_neutral(samples_dir, lexicon, nlp_config, wmca) -> None:
    document = sample_document(samples_dir, "govuk/content_api/news_article/news_article.json")
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL
