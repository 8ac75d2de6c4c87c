"""The digest's relevance gate, on constructed items (constructed: not real pages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from delivery.digest import build_digest
from delivery.gate import BACKFILL, EXCLUDE, INCLUDE, NOT_YET, OWN_NOTICE, judge
from tests.support.delivery_samples import NOW, sample_profile, scored, url
from warehouse.config.profiles import load_profile
from warehouse.records import DocumentKind

CONFIG = Path(__file__).resolve().parents[2] / "config"
BUS = {"transport": (0.8, True, "buses")}


def test_gate_keeps_overseas_news_out_unless_it_names_the_region(profile) -> None:
    aid = scored(title="Humanitarian aid for the Horn of Africa", summary="Drought support.",
                 body_text="Aid for Somalia and Ethiopia.", themes={})
    assert judge(aid, profile, NOW).decision == EXCLUDE
    named = scored(title="Horn of Africa aid partners in Birmingham", summary="",
                   body_text="", themes={})
    assert judge(named, profile, NOW).decision == INCLUDE


def test_gate_keeps_prison_statements_out_even_naming_the_region(profile) -> None:
    prison = scored(title="Prison capacity: update including HMP Birmingham", themes={})
    assert judge(prison, profile, NOW).decision == EXCLUDE


def test_gate_sets_the_authoritys_own_tender_apart() -> None:
    wmca = load_profile(CONFIG, "wmca")
    tender = scored(kind=DocumentKind.TENDER, title="Bus shelter maintenance",
                    metadata={"buyer": "West Midlands Combined Authority"}, themes=BUS,
                    profile="wmca")
    assert judge(tender, wmca, NOW).decision == OWN_NOTICE
    digest = build_digest([tender], wmca, NOW.date(), now=NOW)
    assert [i.title for i in digest.own_notices] == ["Bus shelter maintenance"]
    assert digest.count("actions") == 0 and digest.count("funding") == 0


def test_gate_another_regions_news_is_not_ours() -> None:
    cpca = load_profile(CONFIG, "cpca")
    wm = scored(url=url("wm"), title="West Midlands Mayor launches bus franchising",
                summary="Plans for the West Midlands.", body_text="Transport for West Midlands.",
                themes=BUS, profile="cpca")
    assert judge(wm, cpca, NOW).decision == EXCLUDE
    ours = scored(url=url("cp"), title="Cambridgeshire and Peterborough bus plan",
                  summary="", body_text="", themes=BUS, profile="cpca")
    assert judge(ours, cpca, NOW).decision == INCLUDE


def test_gate_stores_but_does_not_list_old_documents(profile) -> None:
    old = scored(url=url("old"), title="Bus news from 2016", themes=BUS,
                 published_at=datetime(2016, 3, 1, tzinfo=UTC))
    assert judge(old, profile, NOW).decision == BACKFILL
    digest = build_digest([old], profile, NOW.date(), now=NOW)
    assert digest.backfilled == 1 and digest.backfilled_since.year == 2016
    assert not digest.sections


def test_gate_a_past_day_does_not_show_what_was_published_later(profile) -> None:
    later = scored(themes=BUS, published_at=NOW + timedelta(days=3))
    assert judge(later, profile, NOW).decision == NOT_YET


def test_gate_off_region_needs_theme_confidence() -> None:
    weak = scored(title="A note on trains", summary="", body_text="", themes={
        "transport": (0.3, True, "")})
    strict = sample_profile(theme_confidence=0.5)
    assert judge(weak, strict, NOW).decision == EXCLUDE
    assert judge(weak, sample_profile(theme_confidence=0.2), NOW).decision == INCLUDE
