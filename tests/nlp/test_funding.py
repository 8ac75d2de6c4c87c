"""Funding facts from real recorded funding pages and GOV.UK calls (and two written sentences)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlp.config import NlpConfig, load_yaml_mapping
from nlp.funding import FundingTerms, extract_funding, parse_amount, parse_funding_terms
from tests.support.factories import make_document
from tests.support.nlp_samples import sample_document
from warehouse.config.profiles import Profile
from warehouse.records import ApplicantType, DocumentKind, FundingFacts

LONDON = ZoneInfo("Europe/London")
IFS_120 = "funding/page_excerpts/ifs_competition_120_overview.txt"
UKERC = "funding/page_excerpts/ukri_opportunity_uk_energy_research_centre_2024_to_2029.txt"
UKRI_INVITED = ("funding/page_excerpts/"
                "ukri_opportunity_cross_research_council_responsive_mode_full_stage_round_1.txt")
ESIF = "govuk/content_api/specialist_document/european-structural-investment-funds.json"
BIG_ISSUE = "govuk/content_api/specialist_document/business-finance-support-scheme.json"


@pytest.fixture(scope="module")
def terms(config_dir: Path, nlp_config: NlpConfig) -> FundingTerms:
    return parse_funding_terms(load_yaml_mapping(config_dir / nlp_config.funding.terms_file))


def _facts(samples_dir, relative, terms, nlp_config, wmca: Profile) -> FundingFacts:
    facts = extract_funding(sample_document(samples_dir, relative), terms, nlp_config.funding,
                            [wmca.region.name, *wmca.region.gazetteer])
    assert facts is not None
    return facts


@pytest.mark.parametrize(("number", "scale", "value"), [
    ("19", "million", 19e6), ("500", "k", 5e5), ("1.2", "m", 1.2e6), ("21,800,000", None, 21.8e6),
    ("20", "bn", 2e10),
])
def test_funding_amount_units(number: str, scale: str | None, value: float) -> None:
    assert parse_amount(number, scale) == value


def test_funding_total_and_award_range_from_innovate_uk_page(
    samples_dir, terms, nlp_config, wmca
) -> None:
    facts = _facts(samples_dir, IFS_120, terms, nlp_config, wmca)
    assert facts.total_amount_gbp == 19_000_000
    assert (facts.min_award_gbp, facts.max_award_gbp) == (25_000, 1_000_000)
    assert facts.funder == "Innovate UK"
    assert ApplicantType.BUSINESS in facts.eligible_applicants
    assert facts.place_restrictions == ["UK"]
    assert facts.eligible_for_authority is False


def test_funding_closing_time_keeps_the_uk_time(samples_dir, terms, nlp_config, wmca) -> None:
    facts = _facts(samples_dir, UKERC, terms, nlp_config, wmca)
    assert facts.closes_at == datetime(2024, 1, 10, 16, 0, tzinfo=LONDON)
    assert facts.closes_at.utcoffset() is not None


def test_funding_invitation_only_is_not_for_the_authority(
    samples_dir, terms, nlp_config, wmca
) -> None:
    facts = _facts(samples_dir, UKRI_INVITED, terms, nlp_config, wmca)
    assert facts.eligible_for_authority is False
    assert facts.eligibility_reason == "invitation only"
    assert facts.max_award_gbp == 1_200_000
    assert "80%" in facts.match_funding


def test_funding_place_restriction_elsewhere_excludes_the_authority(
    samples_dir, terms, nlp_config, wmca
) -> None:
    facts = _facts(samples_dir, ESIF, terms, nlp_config, wmca)
    assert facts.place_restrictions == ["Tees Valley Local Enterprise Partnership area"]
    assert facts.eligible_for_authority is False
    assert "Tees Valley" in facts.eligibility_reason
    assert facts.total_amount_gbp == 21_800_000
    assert facts.closes_at == datetime(2015, 5, 29, 23, 59, tzinfo=LONDON)


def test_funding_range_written_with_a_dash(samples_dir, terms, nlp_config, wmca) -> None:
    facts = _facts(samples_dir, BIG_ISSUE, terms, nlp_config, wmca)
    assert (facts.min_award_gbp, facts.max_award_gbp) == (20_000, 3_000_000)


def test_funding_open_to_councils_is_for_the_authority(terms, nlp_config, wmca) -> None:
    document = make_document(
        kind=DocumentKind.FUNDING_CALL, title="Local transport fund",
        summary="", body_text="Who can apply: combined authorities and local authorities in "
        "England. Applications close at 11am on 14 March 2025. Up to £2 million per project.")
    facts = extract_funding(document, terms, nlp_config.funding, [wmca.region.name])
    assert facts is not None
    assert facts.eligible_for_authority is True
    assert {ApplicantType.COMBINED_AUTHORITY, ApplicantType.LOCAL_AUTHORITY} <= set(
        facts.eligible_applicants)
    assert facts.closes_at == datetime(2025, 3, 14, 11, 0, tzinfo=LONDON)
    assert facts.max_award_gbp == 2_000_000


def test_funding_ordinary_news_has_no_funding_facts(samples_dir, terms, nlp_config, wmca) -> None:
    document = sample_document(samples_dir, "govuk/content_api/speech/"
                               "speech-oral-statement-parliament.json")
    assert extract_funding(document, terms, nlp_config.funding, [wmca.region.name]) is None


def test_funding_structured_source_facts_win(terms, nlp_config, wmca) -> None:
    document = make_document(kind=DocumentKind.TENDER, body_text="Contract worth £5 million.",
                             funding=FundingFacts(funder="Dudley Council", total_amount_gbp=4e6))
    facts = extract_funding(document, terms, nlp_config.funding, [wmca.region.name])
    assert facts is not None
    assert (facts.funder, facts.total_amount_gbp) == ("Dudley Council", 4e6)


# Issue 11: constructed sentences in the shape of the demo's Warm Homes and capability fund pages.
def _call(terms, nlp_config, wmca, text: str) -> FundingFacts:
    document = make_document(kind=DocumentKind.FUNDING_CALL, title="Fund", summary="",
                             body_text=text)
    facts = extract_funding(document, terms, nlp_config.funding,
                            [wmca.region.name, *wmca.region.gazetteer])
    assert facts is not None
    return facts


def test_funding_expression_of_interest_window_opens_and_closes(terms, nlp_config, wmca) -> None:
    facts = _call(terms, nlp_config, wmca, "A £620 million programme. Expressions of interest "
                  "open on 12 January 2027 and close on 26 February 2027.")
    assert facts.opens_at.date().isoformat() == "2027-01-12"
    assert facts.closes_at.date().isoformat() == "2027-02-26"
    assert facts.deadline_stage == "expression of interest"


def test_funding_consultation_date_is_not_the_funds_deadline(terms, nlp_config, wmca) -> None:
    facts = _call(terms, nlp_config, wmca, "A £45 million capability fund for 2027 to 2028.\n"
                  "The consultation on revised guidance closes at 11:59pm on 2 December 2026.")
    assert facts.closes_at is None


def test_funding_region_share_from_an_allocation_list(terms, nlp_config, wmca) -> None:
    listed = _call(terms, nlp_config, wmca, "£620 million allocated today, including:\n"
                   "Greater Manchester Combined Authority: £91 million\n"
                   "West Midlands Combined Authority: £84 million, delivered with councils")
    assert (listed.regional_amount_gbp, listed.total_amount_gbp) == (84e6, 620e6)
    assert listed.regional_recipient == "West Midlands Combined Authority"
    earmarked = _call(terms, nlp_config, wmca, "A £45 million fund for 2027 to 2028, with "
                      "£6.2 million earmarked for the West Midlands.")
    assert earmarked.regional_amount_gbp == 6_200_000
