"""Builders of scored documents with deterministic theme scores and insights, for delivery tests.

The golden digest is built from the demo snapshot's documents (parsed with the real GOV.UK
parser) and the judgements below, set by hand: it tests delivery, not the enrichment's model.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from delivery.alerts import FundingAlert
from scrapers.govuk.parse import parse_content_item
from tests.support.data_paths import DEMO_SNAPSHOT
from tests.support.factories import make_document
from warehouse.config.profiles import Profile, Region, Theme
from warehouse.records import (
    ApplicantType,
    Document,
    DocumentInsight,
    FundingFacts,
    ScoredDocument,
    Signal,
    ThemeScore,
)

SEEN = datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 07:00 in London (GMT)


def sample_profile(**digest: Any) -> Profile:
    return Profile(
        id="test", name="Test Combined Authority", short_name="TCA", mayor="Jo Mayor",
        region=Region(name="Testshire", places=["Birmingham", "Coventry"],
                      mps=["Sam Member"]),
        themes=[
            Theme(id="transport", name="Transport", description="Buses and trains.",
                  examples=["bus franchising"]),
            Theme(id="housing", name="Housing", description="Homes.", examples=["new homes"]),
        ],
        sources=["govuk_news"],
        digest=digest,
    )



def scored(
    document: Document | None = None,
    *,
    themes: dict[str, tuple[float, bool, str]] | None = None,
    insight: dict[str, Any] | None = None,
    first_seen: datetime = SEEN,
    version: int = 1,
    profile: str = "test",
    **doc: Any,
) -> ScoredDocument:
    """A document (default: the factory's bus story) with theme scores and, if given, insight."""
    document = document or make_document(**doc)
    scores = [
        ThemeScore(document_id=document.id, profile=profile, theme=theme, score=score,
                   above_threshold=above, evidence=evidence, model_version="m")
        for theme, (score, above, evidence) in (themes or {}).items()
    ]
    judged = (DocumentInsight(document_id=document.id, profile=profile, model_version="m",
                              **insight) if insight is not None else None)
    return ScoredDocument(document=document, themes=scores, insight=judged,
                          first_seen_at=first_seen, last_changed_at=first_seen, version=version)


def url(slug: str) -> str:
    return f"https://www.gov.uk/government/news/{slug}"


# --- the demo snapshot, judged by hand --------------------------------------------------------

def demo_documents() -> dict[str, Document]:
    """Every demo snapshot item parsed with the real GOV.UK parser, by slug."""
    documents = {}
    for path in sorted((DEMO_SNAPSHOT / "govuk" / "content_api").rglob("*.json")):
        documents[path.stem] = parse_content_item(path.read_bytes(), source="govuk_news",
                                                  fetched_at=SEEN)
    return documents


WMCA_ELIGIBLE = FundingFacts(
    funder="Department for Transport", total_amount_gbp=45_000_000, max_award_gbp=5_000_000,
    closes_at=datetime(2026, 12, 18, 17, 0, tzinfo=UTC),
    eligible_applicants=[ApplicantType.COMBINED_AUTHORITY],
    eligible_for_authority=True,
    eligibility_reason="Open to mayoral combined authorities preparing franchising.",
    regional_amount_gbp=6_200_000, regional_recipient="West Midlands Combined Authority",
)

WARM_HOMES = FundingFacts(
    funder="Department for Energy Security and Net Zero", total_amount_gbp=620_000_000,
    closes_at=datetime(2027, 2, 26, 23, 59, tzinfo=UTC), deadline_stage="expression of interest",
    regional_amount_gbp=84_000_000, regional_recipient="West Midlands Combined Authority",
    eligible_applicants=[ApplicantType.LOCAL_AUTHORITY], eligible_for_authority=None,
)

# slug -> (theme scores, insight): deterministic judgements standing in for the enrichment.
DEMO_JUDGEMENTS: dict[str, tuple[dict[str, tuple[float, bool, str]], dict[str, Any] | None]] = {
    "faster-route-to-bus-franchising-as-45-million-capability-fund-opens": (
        {"transport": (0.82, True, "A £45 million capability fund opens for franchising.")},
        {"signal": Signal.OPPORTUNITY, "signal_score": 0.8, "signal_reason": "new fund opens",
         "matched_terms": ["capability fund", "franchising"], "region_score": 0.7,
         "places": ["West Midlands"], "funding": WMCA_ELIGIBLE}),
    "midlands-rail-hub-next-stage-of-design-work-begins": (
        {"transport": (0.77, True, "Delivery of the hub will be phased.")},
        {"signal": Signal.THREAT, "signal_score": 0.72, "signal_reason": "scheme delayed",
         "matched_terms": ["delayed", "paused"], "region_score": 0.9,
         "places": ["Birmingham"]}),
    "local-government-finance-fair-funding-updated-needs-formulas-2027-to-2028": (
        {"housing": (0.41, True, "Needs formulas are updated.")},
        {"signal": Signal.THREAT, "signal_score": 0.66, "signal_reason": "share would fall",
         "matched_terms": ["reduce"], "region_score": 0.5}),
    "bus-franchising-revised-statutory-guidance": (
        {"transport": (0.74, True, "Revised statutory guidance on bus franchising.")},
        {"signal": Signal.NEUTRAL, "region_score": 0.3}),
    "13-billion-for-social-and-affordable-homes-across-the-midlands": (
        {"housing": (0.8, True, "Affordable homes in Birmingham and Coventry.")},
        {"signal": Signal.OPPORTUNITY, "signal_score": 0.7, "signal_reason": "allocation",
         "matched_terms": ["affordable homes"], "region_score": 0.8,
         "places": ["Birmingham", "Coventry"]}),
    "local-authority-bus-grant-allocations-2027-to-2028": (
        {"transport": (0.7, True, "Allocations to local transport authorities.")},
        {"signal": Signal.OPPORTUNITY, "signal_score": 0.6, "signal_reason": "allocation",
         "matched_terms": ["allocations"], "region_score": 0.6}),
    "annual-bus-statistics-year-ending-march-2026": (
        {"transport": (0.55, True, "Bus passenger journeys rose.")}, None),
    "uk-agrees-2027-fishing-opportunities-with-norway-and-the-faroe-islands": (
        {"transport": (0.05, False, "")}, {"signal": Signal.NEUTRAL}),
    "transport-for-city-regions-2027-to-2028-allocations-confirmed": (
        {"transport": (0.79, True, "City region transport settlements confirmed.")},
        {"signal": Signal.OPPORTUNITY, "signal_score": 0.75, "signal_reason": "allocation",
         "matched_terms": ["allocations"], "region_score": 0.85, "places": ["West Midlands"],
         "cluster_id": None}),
    "police-funding-formula-technical-consultation": (
        {}, {"signal": Signal.THREAT, "signal_score": 0.6,
             "signal_reason": "Threat: the West Midlands force's grant share could fall",
             "matched_terms": ["fall"], "region_score": 0.6, "places": ["West Midlands"]}),
    "warm-homes-local-grant-2027-to-2028-allocations-announced": (
        {"housing": (0.62, True, "Upgrade low-income homes.")},
        {"signal": Signal.OPPORTUNITY, "signal_score": 0.7,
         "signal_reason": "Opportunity (0.70): Opportunity: allocation for the region - money",
         "matched_terms": ["allocated"], "region_score": 0.8, "places": ["West Midlands"],
         "funding": WARM_HOMES}),
    "prison-capacity-and-safety-update-including-hmp-birmingham": (
        {}, {"signal": Signal.NEUTRAL, "region_score": 0.55, "places": ["Birmingham"]}),
}


def demo_scored() -> list[ScoredDocument]:
    """The demo week as the digest sees it: judged items as above, the rest unjudged."""
    documents = demo_documents()
    tfcr = documents["transport-for-city-regions-2027-to-2028-allocations-confirmed"].id
    result = []
    for slug, document in documents.items():
        themes, insight = DEMO_JUDGEMENTS.get(slug, ({}, None))
        if slug == "local-authority-bus-grant-allocations-2027-to-2028":
            insight = {**insight, "cluster_id": tfcr}  # one story, two sources
        if slug == "transport-for-city-regions-2027-to-2028-allocations-confirmed":
            insight = {**insight, "cluster_id": tfcr}
        result.append(scored(document, themes=themes, insight=insight, profile="wmca"))
    return result


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def demo_profile() -> Profile:
    """A West Midlands profile fixed here, so the golden does not move with config edits."""
    return Profile(
        id="wmca", name="West Midlands Combined Authority", short_name="WMCA",
        mayor="the Mayor of the West Midlands",
        region=Region(name="West Midlands", aliases=["West Midlands", "WMCA"],
                      places=["Birmingham", "Coventry", "Wolverhampton", "Solihull"]),
        themes=[
            Theme(id="transport", name="Transport", description="Bus, rail and metro.",
                  examples=["bus franchising"]),
            Theme(id="housing", name="Housing and regeneration", description="Homes.",
                  examples=["affordable homes"]),
        ],
        sources=["govuk_news"],
    )


CLOSES = datetime(2026, 12, 18, 17, 0, tzinfo=UTC)


def sample_alert(**overrides) -> FundingAlert:
    values = dict(
        key="wmca:x:new", kind="new", profile="wmca", authority="WMCA",
        document_id="6f1c7a4e-2b0d-4a34-9d5e-1b6f4f2c9a11",
        title="Bus franchising capability fund", url="https://www.gov.uk/fund",
        source="find_a_grant", funder="Department for Transport",
        amount="up to £5 million per award", opens_at=None, closes_at=CLOSES,
        applicants="combined authority", eligibility="Open to combined authorities.",
        reason="Transport (0.82).", fingerprint="closes=x",
    )
    return FundingAlert(**{**values, **overrides})
