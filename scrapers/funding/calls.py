"""A funding call page (UKRI opportunity, Innovate UK competition, Find a Grant advert) as a
record, from the facts its summary list and sections state. Pure and shared by the three sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from scrapers.dates import parse_text_date, parse_timestamp
from scrapers.errors import ParseError
from scrapers.pages import applicant_types, element_text, money, sections, summary_pairs, time_attr
from warehouse.records import Document, DocumentKind, FundingFacts

OPENS = ("opening date", "competition opens", "opens", "application open date")
CLOSES = ("closing date", "competition closes", "closes", "deadline", "application close date")
FUNDERS = ("funders", "funder", "funding organisation", "funding organisations", "funded by")
TOTAL = ("total fund", "total size of grant scheme", "total funding", "total budget")
RANGE = ("award range", "size of grant", "maximum award", "project size", "grant size")
WHO = ("who can apply", "eligibility", "who is eligible", "who can apply for this grant")
WHERE = ("location", "where", "locations")


@dataclass
class CallFacts:
    """What a funding page says, as text, before it becomes a record."""

    title: str
    body: str = ""
    summary: str = ""
    pairs: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    times: dict[str, str] = field(default_factory=dict)  # key -> <time datetime> value

    def first(self, keys: tuple[str, ...]) -> str:
        for key in keys:
            for name in (key, *(n for n in self.pairs if n.startswith(key))):
                if self.pairs.get(name):
                    return self.pairs[name]
        return ""

    def section(self, keys: tuple[str, ...]) -> str:
        for key in keys:
            for name, value in self.sections.items():
                if name.startswith(key) and value:
                    return value
        return ""

    def when(self, keys: tuple[str, ...]) -> datetime | None:
        for key in keys:
            if self.times.get(key):
                stamp = parse_timestamp(self.times[key])
                if stamp:
                    return stamp
        return parse_text_date(self.first(keys))


def facts_from_page(root: etree._Element, *, body_xpath: str = "//main") -> CallFacts:
    headings = root.xpath("//h1")
    title = " ".join("".join(headings[0].itertext()).split()) if headings else ""
    if not title:
        raise ParseError("funding page: no <h1> title")
    main = root.xpath(body_xpath) or root.xpath("//body")
    pairs = summary_pairs(root)
    times = {key: time_attr(root, key) for key in (*OPENS, *CLOSES)}
    return CallFacts(title=title, body=element_text(main[0]), pairs=pairs,
                     sections=sections(root), times={k: v for k, v in times.items() if v})


def call_document(facts: CallFacts, *, url: str, source: str, fetched_at: datetime,
                  parser_version: str, default_funder: str = "",
                  published_at: datetime | None = None,
                  updated_at: datetime | None = None) -> Document:
    amounts = money(facts.first(RANGE))
    total = money(facts.first(TOTAL))
    who = facts.section(WHO) or facts.first(WHO)
    where = facts.first(WHERE)
    funder = facts.first(FUNDERS) or default_funder
    funding = FundingFacts(
        funder=funder, total_amount_gbp=total[0] if total else None,
        max_award_gbp=max(amounts) if amounts else None,
        min_award_gbp=min(amounts) if len(amounts) > 1 else None,
        opens_at=facts.when(OPENS), closes_at=facts.when(CLOSES),
        eligible_applicants=applicant_types(who),
        place_restrictions=[p.strip() for p in where.replace(";", ",").split(",") if p.strip()],
        match_funding=facts.section(("match funding",))[:500])
    metadata = {"funder": funder, "status": facts.first(("opportunity status", "status")),
                "funding_type": facts.first(("funding type", "type of funding", "grant type")),
                "who_can_apply": who[:500]}
    return Document(
        source=source, kind=DocumentKind.FUNDING_CALL, url=url, title=facts.title,
        summary=(facts.summary or facts.body)[:500], body_text=facts.body,
        published_at=published_at or parse_text_date(facts.first(("publication date",))),
        updated_at=updated_at, fetched_at=fetched_at,
        organisations=[f.strip() for f in funder.split(",") if f.strip()][:5],
        source_type="funding_call", opens_at=funding.opens_at, closes_at=funding.closes_at,
        funding=funding, metadata={k: v for k, v in metadata.items() if v},
        parser_version=parser_version)
