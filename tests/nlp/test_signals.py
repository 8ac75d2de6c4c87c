"""Threat / opportunity on real recorded texts, one rule family each, and the demo misfires."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nlp.config import NlpConfig, load_yaml_mapping
from nlp.kit import authority_pattern
from nlp.places import build_gazetteer
from nlp.signals import SignalLexicon, SignalMatch, classify_signal, parse_signal_lexicon
from scrapers.parliament.bills_rss import parse_bills_feed
from tests.support.factories import make_document
from tests.support.nlp_samples import govuk_document, sample_document
from warehouse.config.profiles import Profile
from warehouse.records import Document, DocumentKind, Signal

NOW = datetime(2026, 1, 5, tzinfo=UTC)
DEMO_NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # the demo snapshot's as_of
DEMO = Path(__file__).resolve().parents[2] / "demo" / "snapshot" / "govuk" / "content_api"
BILLS = "parliament/rss/services_parliament_public_bills.rss"


@pytest.fixture(scope="module")
def lexicon(config_dir: Path, nlp_config: NlpConfig) -> SignalLexicon:
    return parse_signal_lexicon(load_yaml_mapping(config_dir / nlp_config.signals.lexicon_file))


@pytest.fixture(scope="module")
def bills(samples_dir: Path) -> dict[str, Document]:
    documents, _ = parse_bills_feed((samples_dir / BILLS).read_bytes(), source="bills_test",
                                    fetched_at=NOW)
    return {d.title: d for d in documents}


def _signal(document: Document, lexicon, nlp_config, wmca: Profile, now=NOW) -> SignalMatch:
    return classify_signal(document, lexicon, nlp_config.signals,
                           region_pattern=authority_pattern(wmca), now=now,
                           place_pattern=build_gazetteer(wmca, nlp_config.places).pattern)


def _demo(relative: str) -> Document:
    return govuk_document(DEMO / relative)


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


def test_signals_allocation_to_the_region_is_an_opportunity(lexicon, nlp_config, wmca) -> None:
    document = _demo("news_article/transport-for-city-regions-2027-to-2028-allocations-confirmed"
                     ".json")
    match = _signal(document, lexicon, nlp_config, wmca, DEMO_NOW)
    assert match.signal is Signal.OPPORTUNITY


def test_signals_overseas_humanitarian_item_is_neutral(lexicon, nlp_config, wmca) -> None:
    # Demo misfire: "4 consecutive failed rainy seasons in parts of the region" read as scrutiny.
    document = _demo("news_article/uk-announces-humanitarian-support-for-drought-affected-"
                     "communities-in-the-horn-of-africa.json")
    assert "failed rainy seasons" in document.body_text
    assert _signal(document, lexicon, nlp_config, wmca, DEMO_NOW).signal is Signal.NEUTRAL


def test_signals_funding_redistributed_away_is_a_threat(lexicon, nlp_config, wmca) -> None:
    # Demo misfire: the fair funding consultation was an opportunity because it is open.
    document = _demo("consultation/local-government-finance-fair-funding-updated-needs-formulas-"
                     "2027-to-2028.json")
    assert document.closes_at is not None and document.closes_at > DEMO_NOW
    match = _signal(document, lexicon, nlp_config, wmca, DEMO_NOW)
    assert match.signal is Signal.THREAT
    assert "funding redistributed away" in match.reason


def test_signals_paused_scheme_reason_quotes_the_evidence(lexicon, nlp_config, wmca) -> None:
    document = _demo("speech/rail-network-enhancements-pipeline-update.json")
    match = _signal(document, lexicon, nlp_config, wmca, DEMO_NOW)
    assert match.signal is Signal.THREAT
    assert match.sentence and match.sentence in match.reason
    assert "paused" in match.sentence or "reduced" in match.sentence


def test_signals_open_consultation_in_remit_is_an_opportunity(lexicon, nlp_config, wmca) -> None:
    document = _demo("consultation/bus-franchising-revised-statutory-guidance.json")
    match = _signal(document, lexicon, nlp_config, wmca, DEMO_NOW)
    assert match.signal is Signal.OPPORTUNITY
    assert "consultation" in match.reason


def test_signals_open_consultation_outside_remit_is_neutral(
    samples_dir, lexicon, nlp_config, wmca
) -> None:
    document = govuk_document(samples_dir / "govuk/content_api/consultation/"
                              "consultation_outcome.json")  # NIC elections for share schemes
    open_again = document.model_copy(update={"kind": DocumentKind.CONSULTATION, "closes_at": None,
                                             "withdrawn_at": None})
    assert _signal(open_again, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_closed_competition_is_not_an_opportunity(
    samples_dir, lexicon, nlp_config, wmca
) -> None:
    document = sample_document(samples_dir,
                               "funding/page_excerpts/ifs_competition_120_overview.txt")
    assert "now closed" in document.body_text
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_new_duty_on_councils_without_funding_is_a_threat(
    bills, lexicon, nlp_config, wmca
) -> None:
    match = _signal(bills["School Holidays (Meals and Activities)"], lexicon, nlp_config, wmca)
    assert match.signal is Signal.THREAT
    assert "new duties" in match.reason


def test_signals_funded_duty_is_not_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="New duty for strategic authorities", summary="", body_text=(
        "Strategic authorities will have a new duty to produce health improvement plans, backed "
        "by £20 million of new funding."))
    assert _signal(document, lexicon, nlp_config, wmca).signal is not Signal.THREAT


def test_signals_new_powers_for_councils_are_an_opportunity(
    bills, lexicon, nlp_config, wmca
) -> None:
    match = _signal(bills["Local Government Finance"], lexicon, nlp_config, wmca)
    assert match.signal is Signal.OPPORTUNITY  # 100% retention of business rates


def test_signals_withdrawal_from_the_eu_is_not_a_withdrawn_scheme(
    bills, lexicon, nlp_config, wmca
) -> None:
    document = bills["Manufactured Goods (Trade)"]
    assert "withdrawal of the United Kingdom" in document.summary
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_northern_ireland_cut_is_neutral(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="UK Fishing Industry", summary="", organisations=[],
                             kind=DocumentKind.DEBATE, body_text=(
        "The fishing industry in Northern Ireland is almost wholly reliant on prawn, and there is "
        "a proposal for a 30 per cent. cut in prawn fishing."))  # ParlParse debates 2009-10-29
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_denied_cut_is_not_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Local Growth Fund", summary="", organisations=[],
                             kind=DocumentKind.DEBATE, body_text=(
        "The minister told the House that the government has not cut funding for mayoral "
        "combined authorities."))
    assert _signal(document, lexicon, nlp_config, wmca).signal is not Signal.THREAT


def test_signals_cut_and_withdrawn_scheme_is_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Bus funding cut and tram extension scrapped",
                             summary="The scheme has been withdrawn.", body_text="")
    match = _signal(document, lexicon, nlp_config, wmca)
    assert match.signal is Signal.THREAT
    assert "cuts" in match.reason or "withdrawn" in match.reason


def test_signals_cutting_waiting_times_is_not_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Franchising decisions to be quicker", summary="", body_text=(
        "New rules will cut waiting times for bus franchising decisions, letting mayors take "
        "control of buses sooner."))
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.OPPORTUNITY


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


def test_signals_criticism_in_an_unrelated_debate_is_neutral(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Social Care Green Paper", summary="", organisations=[],
                             kind=DocumentKind.DEBATE, body_text=(
        "At least they now have a policy to discuss, even if it is criticised."))
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_rival_place_winning_is_a_threat(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Greater Manchester selected for gigafactory", summary="",
                             body_text="")
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.THREAT


def test_signals_rival_money_is_not_our_opportunity(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Liverpool investment zone bid rejected", summary="",
                             organisations=[], body_text=(
        "Liverpool City Region's bid for a second investment zone was rejected."))
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_open_consultation_is_an_opportunity(lexicon, nlp_config, wmca) -> None:
    document = make_document(kind=DocumentKind.CONSULTATION, title="Bus services review",
                             summary="", body_text="",
                             closes_at=datetime(2026, 2, 1, tzinfo=UTC))
    match = _signal(document, lexicon, nlp_config, wmca)
    assert match.signal is Signal.OPPORTUNITY
    assert "consultation" in match.reason


def test_signals_prison_statement_naming_birmingham_is_neutral(
    samples_dir, lexicon, nlp_config, wmca
) -> None:
    document = sample_document(samples_dir,
                               "govuk/content_api/speech/speech-oral-statement-parliament.json")
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_off_topic_statement_is_neutral(samples_dir, lexicon, nlp_config, wmca) -> None:
    document = sample_document(samples_dir, "govuk/content_api/news_article/news_article.json")
    assert _signal(document, lexicon, nlp_config, wmca).signal is Signal.NEUTRAL


def test_signals_without_place_pattern_still_classify(lexicon, nlp_config, wmca) -> None:
    document = make_document(title="Bus funding cut", summary="", body_text="")
    match = classify_signal(document, lexicon, nlp_config.signals,
                            region_pattern=authority_pattern(wmca), now=NOW)
    assert match.signal is Signal.THREAT
