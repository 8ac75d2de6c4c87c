"""The open/closing rule: the SQL generated from warehouse/deadlines.py and the Python functions
agree on constructed rows, and every query that asks the question gives the same answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import make_document
from warehouse.db import connect
from warehouse.deadlines import (
    deadline,
    deadline_sql,
    is_closed,
    is_open_now,
    not_closed_sql,
    open_now_sql,
    opening,
    opening_sql,
)
from warehouse.delivery_state import funding_candidates, open_deadlines
from warehouse.queries import scored_documents
from warehouse.queries.rows import INSIGHT_FIELDS, insight_row
from warehouse.records import DocumentInsight, DocumentKind, FundingFacts
from warehouse.save import save_documents
from warehouse.search.filters import filter_condition
from warehouse.search.models import SearchFilters

NOW = datetime(2026, 11, 22, 7, tzinfo=UTC)
DAY = timedelta(days=1)
PROFILE = "wmca"

# name -> (document's own opens/closes, the source's funding facts, the enrichment's facts)
CASES: dict[str, tuple[dict, FundingFacts | None, FundingFacts | None]] = {
    "open": ({"opens_at": NOW - 5 * DAY, "closes_at": NOW + 5 * DAY}, None, None),
    "closing today": ({"closes_at": NOW + timedelta(hours=3)}, None, None),
    "closes this instant": ({"closes_at": NOW}, None, None),
    "closed": ({"closes_at": NOW - DAY}, None, None),
    "no deadline": ({}, None, None),
    "opening later": ({"opens_at": NOW + 2 * DAY, "closes_at": NOW + 10 * DAY}, None, None),
    "deadline in the text only": ({}, None, FundingFacts(closes_at=NOW + DAY)),
    "deadline in the source's facts only": ({}, FundingFacts(closes_at=NOW + DAY), None),
    "own date wins over the facts": (
        {"closes_at": NOW - DAY}, None, FundingFacts(closes_at=NOW + DAY)),
    "opening in the text later": (
        {"closes_at": NOW + 9 * DAY}, None, FundingFacts(opens_at=NOW + DAY)),
}


@pytest.fixture(scope="module")
def stored():
    with connect(":memory:") as con:
        names = {}
        for name, (own, source_facts, text_facts) in CASES.items():
            document = make_document(url=f"https://example.org/calls/{len(names)}",
                                     kind=DocumentKind.FUNDING_CALL, funding=source_facts, **own)
            save_documents(con, [document], now=NOW - 30 * DAY)
            if text_facts is not None:
                insight = DocumentInsight(document_id=document.id, profile=PROFILE,
                                          funding=text_facts)
                con.execute(f"INSERT INTO document_insights ({', '.join(INSIGHT_FIELDS)})"
                            f" VALUES ({', '.join('?' for _ in INSIGHT_FIELDS)})",
                            insight_row(insight))
            names[document.id] = name
        yield con, names


def _sql_answers(con) -> dict:
    rows = con.execute(
        f"SELECT d.id, {deadline_sql()}, {opening_sql()}, {not_closed_sql()}, {open_now_sql()}"
        " FROM documents d LEFT JOIN document_insights i"
        " ON i.document_id = d.id AND i.profile = ?", [NOW, NOW, NOW, PROFILE]).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_deadlines_sql_and_python_agree_on_every_case(stored) -> None:
    con, names = stored
    sql = _sql_answers(con)
    for scored in scored_documents(con, PROFILE, list(names)):
        python = (deadline(scored), opening(scored), not is_closed(scored, NOW),
                  is_open_now(scored, NOW))
        assert sql[scored.document.id] == python, names[scored.document.id]


def test_deadlines_answer_each_case_as_the_rule_says(stored) -> None:
    con, names = stored
    by_name = {names[s.document.id]: s for s in scored_documents(con, PROFILE, list(names))}
    open_now = {name for name, s in by_name.items() if is_open_now(s, NOW)}
    closed = {name for name, s in by_name.items() if is_closed(s, NOW)}
    assert open_now == {"open", "closing today", "deadline in the text only",
                        "deadline in the source's facts only"}
    assert closed == {"closes this instant", "closed", "own date wins over the facts"}


def test_deadlines_funding_candidates_are_the_calls_not_closed(stored) -> None:
    con, names = stored
    found = {names[s.document.id] for s in funding_candidates(con, PROFILE, NOW)}
    expected = {names[s.document.id] for s in scored_documents(con, PROFILE, list(names))
                if not is_closed(s, NOW)}
    assert found == expected


def test_deadlines_open_deadlines_window_uses_the_same_deadline(stored) -> None:
    con, names = stored
    found = {names[s.document.id] for s in open_deadlines(con, PROFILE, NOW, NOW + DAY)}
    assert found == {"closing today", "closes this instant", "deadline in the text only",
                     "deadline in the source's facts only"}


def test_deadlines_search_funding_open_filter_is_open_now(stored) -> None:
    con, names = stored
    condition, params = filter_condition(SearchFilters(profile=PROFILE, funding_open=True,
                                                       now=NOW))
    found = {names[row[0]] for row in con.execute(
        f"SELECT d.id FROM documents d WHERE {condition}", params).fetchall()}
    expected = {names[s.document.id] for s in scored_documents(con, PROFILE, list(names))
                if is_open_now(s, NOW)}
    assert found == expected
