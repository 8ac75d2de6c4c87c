"""A small constructed warehouse for the brief tests (all text written for these tests).

Eight documents on buses in "Testshire" (a bus franchising announcement with the region's
allocation, a consultation and a funding call still open, a debate with the region's MP, a
written question, an unrelated fisheries item) and one hostile page whose title and body carry
HTML, Markdown and control characters. Enriched with a hashed bag-of-words encoder and
published as a search index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from delivery.brief.config import BottomLine, BriefConfig
from delivery.brief.model import Brief
from delivery.brief.retrieve import BriefRequest, make_brief
from nlp.query_encoder import QueryEncoder
from tests.support.factories import make_document
from tests.support.search_world import FakeEncoder, enrich
from warehouse.config.profiles import Profile, Region, Theme
from warehouse.db import connect
from warehouse.records import ApplicantType, DocumentKind, FundingFacts, Signal
from warehouse.save import save_documents, save_enrichments
from warehouse.search.engine import Searcher
from warehouse.search.replica import publish_search_index

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
# The hashed bag of words gives lower cosines than MiniLM: a lower floor for "on the topic".
CONFIG = BriefConfig(bottom_line=BottomLine(min_topic=0.1))
AS_OF = date(2026, 11, 22)
HOSTILE_TITLE = 'Bus <script>alert("x")</script> [click](javascript:alert(1)) **bold** \x1b[31m'
HOSTILE_BODY = ("Testshire bus riders were told <img src=x onerror=alert(1)> that the bus "
                "franchising plan is a [trap](javascript:alert(2)) and # not a heading \x07 here.")


def profile() -> Profile:
    return Profile(
        id="wmca", name="Testshire Combined Authority", short_name="TCA", mayor="Jo Mayor",
        region=Region(name="Testshire", aliases=["Testshire Combined Authority"],
                      councils=["Coventry City Council"], places=["Coventry", "Birmingham"],
                      mps=["Sam Member"]),
        themes=[Theme(id="transport", name="Transport", description="Buses and trains.",
                      examples=["bus franchising"]),
                Theme(id="housing", name="Housing", description="Homes.",
                      examples=["new homes"])],
        sources=["govuk_news"])


def _day(d: int) -> datetime:
    return datetime(2026, 11, d, 10, 0, tzinfo=UTC)


# slug, kind, source, day, title, summary, body, extra fields, signal, places, funding
DOCS = [
    ("bus-franchising-fund", DocumentKind.PRESS_RELEASE, "govuk_news", 17,
     "Bus franchising capability fund opens",
     "A £45 million fund helps mayors take buses into public control.",
     "The Transport Secretary opened a £45 million bus franchising capability fund today. "
     "Testshire Combined Authority will receive £6.2 million to build its franchising team. "
     "Bids from other authorities close on 2 December 2026. "
     "Passenger numbers rose by 4% last year across England.",
     {}, Signal.OPPORTUNITY, ["Testshire", "Coventry"],
     FundingFacts(funder="DfT", total_amount_gbp=45e6, closes_at=_day(30),
                  eligible_applicants=[ApplicantType.COMBINED_AUTHORITY],
                  eligible_for_authority=True, eligibility_reason="combined authorities")),
    ("bus-guidance-consultation", DocumentKind.CONSULTATION, "govuk_policy", 18,
     "Bus franchising guidance consultation",
     "Views are sought on revised bus franchising guidance for local transport authorities.",
     "The consultation asks whether bus franchising assessments should be shorter. "
     "It closes on 4 December 2026 and responses from Coventry City Council are welcome.",
     {"closes_at": datetime(2026, 12, 4, 23, 59, tzinfo=UTC)}, Signal.NEUTRAL,
     ["Coventry City Council"], None),
    ("bus-debate", DocumentKind.DEBATE, "parliament_debates", 19,
     "Bus Franchising: Testshire: Sam Member",
     "Sam Member asked when bus franchising funding would reach Testshire.",
     "Sam Member asked when bus franchising funding would reach Testshire. "
     "Buses in Coventry have lost a fifth of their passengers since 2019, she said.",
     {"people": ["Sam Member"], "metadata": {"party": "Labour", "constituency": "Coventry North"}},
     Signal.NEUTRAL, ["Testshire", "Coventry"], None),
    ("bus-question", DocumentKind.WRITTEN_QUESTION, "written_questions", 16,
     "Bus Services: Franchising",
     "To ask the Secretary of State for Transport what funding bus franchising will receive.",
     "To ask the Secretary of State for Transport what funding bus franchising will receive. "
     "Answer: The Government has confirmed a further £45 million for bus franchising.",
     {"people": ["Alex Asker (Conservative)", "Minister Min (Labour)"]}, Signal.NEUTRAL, [],
     None),
    ("bus-cuts", DocumentKind.NEWS, "govuk_news", 20,
     "Rural bus grant reduced",
     "The rural bus grant will fall by 10% from April 2027.",
     "The rural bus grant will fall by 10% from April 2027. "
     "Authorities outside the mayoral areas will see the largest bus service reductions.",
     {}, Signal.THREAT, [], None),
    ("bus-stats", DocumentKind.STATISTICS, "govuk_stats", 21,
     "Annual bus statistics", "Bus journeys in England rose again in the year to March 2026.",
     "Bus journeys in England rose again in the year to March 2026. "
     "Bus journeys in England rose again in the year to March 2026 in most regions.",
     {}, Signal.NEUTRAL, [], None),
    ("fishing", DocumentKind.NEWS, "govuk_news", 18, "Fishing quotas agreed with Norway",
     "Cod and haddock quotas in the North Sea were agreed for next year.",
     "Cod and haddock quotas in the North Sea were agreed for next year by both fleets.",
     {}, Signal.NEUTRAL, [], None),
    ("hostile", DocumentKind.REGIONAL_NEWS, "regional_news", 21, HOSTILE_TITLE, "",
     HOSTILE_BODY, {}, Signal.NEUTRAL, ["Testshire"], None),
]


@dataclass
class BriefWorld:
    db: Path
    ids: dict[str, object]
    encoder: QueryEncoder
    profile: Profile

    def brief(self, topic: str = "bus franchising", **request) -> Brief:
        with connect(self.db, read_only=True) as con:
            return make_brief(BriefRequest(topic=topic, until=AS_OF, **request), con=con,
                              searcher=Searcher(self.db), encoder=self.encoder,
                              profile=self.profile, config=CONFIG, now=NOW)

    def connection(self) -> duckdb.DuckDBPyConnection:
        return connect(self.db, read_only=True)


def save_brief_world(db: Path) -> BriefWorld:
    fake = FakeEncoder()
    ids, documents, enrichments = {}, [], []
    lead = None
    for slug, kind, source, d, title, summary, body, extra, signal, places, funding in DOCS:
        doc = make_document(url=f"https://www.gov.uk/test/{slug}", kind=kind, source=source,
                            title=title, summary=summary, body_text=body,
                            published_at=_day(d), updated_at=_day(d), **extra)
        ids[slug] = doc.id
        documents.append(doc)
        themes = [] if slug == "fishing" else ["transport"]
        lead = lead or doc.id
        reason = {Signal.OPPORTUNITY: f'Opportunity: money for the region - "{body[:70]}…"',
                  Signal.THREAT: f'Threat: funding cut - "{body.split(". ")[0]}."'}.get(signal, "")
        enrichments.append(enrich(
            doc, fake, themes, signal, 0.8 if places else 0.0, funding,
            texts=[f"{title}\n{summary}", body], evidence="", signal_reason=reason, places=places,
            cluster_id=None if slug == "fishing" else lead))
    with connect(db) as con:
        save_documents(con, documents, now=NOW)
        save_enrichments(con, enrichments, profile="wmca",
                         content_hashes={d.id: d.content_hash for d in documents}, now=NOW)
        publish_search_index(con, db)
    return BriefWorld(db, ids, QueryEncoder(fake), profile())
