from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import make_document

from warehouse.profiles import Profile, Region, Theme
from warehouse.records import ScoredDocument, ThemeScore

SEEN = datetime(2026, 11, 22, 6, 5, tzinfo=UTC)


@pytest.fixture
def profile() -> Profile:
    return Profile(
        id="test", name="Test Combined Authority", short_name="TCA", mayor="The Mayor",
        region=Region(name="Testshire", places=["Birmingham"]),
        themes=[
            Theme(id="transport", name="Transport", description="Buses and trains.",
                  examples=["bus franchising"]),
            Theme(id="housing", name="Housing", description="Homes.", examples=["new homes"]),
        ],
        sources=["govuk_news"],
    )


def scored(doc_kwargs: dict, themes: dict[str, tuple[float, bool, str]]) -> ScoredDocument:
    document = make_document(**doc_kwargs)
    scores = [
        ThemeScore(document_id=document.id, profile="test", theme=theme, score=score,
                   above_threshold=above, evidence=evidence, model_version="m")
        for theme, (score, above, evidence) in themes.items()
    ]
    return ScoredDocument(document=document, themes=scores, first_seen_at=SEEN,
                          last_changed_at=SEEN)


@pytest.fixture
def scored_documents() -> list[ScoredDocument]:
    return [
        scored({}, {"transport": (0.81, True, "New funding for buses in Birmingham."),
                    "housing": (0.20, False, "")}),
        scored({"url": "https://www.gov.uk/government/news/homes", "title": "Homes for Coventry",
                "summary": "An allocation for affordable homes."},
               {"housing": (0.66, True, "Affordable homes will be built in Coventry."),
                "transport": (0.52, True, "Near the station.")}),
        scored({"url": "https://www.gov.uk/government/news/fish", "title": "Fishing quotas"},
               {"transport": (0.10, False, ""), "housing": (0.05, False, "")}),
    ]
