from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.search_world import NOW, World, save_world
from warehouse.records import DocumentKind, Signal
from warehouse.search.engine import IndexNotPublished, Searcher
from warehouse.search.models import SearchFilters


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return save_world(tmp_path_factory.mktemp("search") / "horizon.duckdb")


def run(world: World, query: str, **filters) -> list:
    searcher = Searcher(world.db)
    vector = world.encoder.encode([query])[0]
    return searcher.search(query, vector, SearchFilters(**filters), limit=10)


def slugs(world: World, results: list) -> list[str]:
    by_id = {v: k for k, v in world.ids.items()}
    return [by_id[r.id] for r in results]


def test_search_engine_exact_acronym_ranks_its_document_first(world: World) -> None:
    assert slugs(world, run(world, "HS2"))[0] == "hs2-update"
    assert slugs(world, run(world, "UKSPF"))[0] == "ukspf"


def test_search_engine_quoted_phrase_requires_the_phrase(world: World) -> None:
    found = slugs(world, run(world, '"Levelling Up Fund"'))
    assert found == ["luf-round"]


def test_search_engine_unquoted_name_ranks_the_exact_name_first(world: World) -> None:
    assert slugs(world, run(world, "Levelling Up Fund"))[0] == "luf-round"


def test_search_engine_result_carries_passage_highlights_and_scores(world: World) -> None:
    best = run(world, "bus franchising")[0]
    marked = {best.passage.text[s:e].lower() for s, e in best.passage.highlights}
    assert {"bus", "franchising"} <= marked
    assert best.scores.keyword_rank == 1 and best.scores.dense_rank is not None
    assert best.score == pytest.approx(1 / 61 + 1 / (60 + best.scores.dense_rank), rel=1e-4)
    assert best.themes == ["transport"] and best.signal == "opportunity"
    assert best.url.startswith("https://www.gov.uk/")


def test_search_engine_filters_kind_source_and_dates(world: World) -> None:
    assert set(slugs(world, run(world, "fund", kinds=[DocumentKind.FUNDING_CALL]))) == {
        "luf-round"}
    found = slugs(world, run(world, "Coventry", sources=["govuk_policy"]))
    assert found == ["housing"]
    found = slugs(world, run(world, "Coventry", date_from=date(2026, 10, 1)))
    assert found and set(found) <= {"investment-zones", "luf-round", "levelling-decoy",
                                    "fishing"}


def test_search_engine_filters_theme_signal_region(world: World) -> None:
    assert set(slugs(world, run(world, "regeneration", themes=["housing"]))) == {"housing"}
    threats = slugs(world, run(world, "transport", signal=Signal.THREAT))
    assert threats == ["hs2-update"]
    regional = slugs(world, run(world, "fund", region_only=True))
    assert "levelling-decoy" not in regional and "luf-round" not in regional


def test_search_engine_funding_open_now_uses_the_given_instant(world: World) -> None:
    found = slugs(world, run(world, "fund allocations", funding_open=True, now=NOW))
    assert found == ["luf-round"]  # UKSPF closed in 2025


def test_search_engine_similar_excludes_itself(world: World) -> None:
    searcher = Searcher(world.db)
    similar = slugs(world, searcher.similar(world.ids["luf-round"], limit=3))
    assert "luf-round" not in similar
    assert similar[0] == "levelling-decoy"


def test_search_engine_document_view_has_enrichment(world: World) -> None:
    view = Searcher(world.db).document(world.ids["luf-round"])
    assert view.insight is not None and view.insight.funding.funder == "MHCLG"
    assert [t.theme for t in view.themes] == ["growth"]
    assert view.passages[0].text.startswith("Levelling Up Fund")


def test_search_engine_without_published_index_says_so(tmp_path: Path) -> None:
    with pytest.raises(IndexNotPublished):
        Searcher(tmp_path / "none.duckdb").search("x", None)


def test_search_engine_vector_threads_two_alone_one_each_when_searches_overlap(
        tmp_path: Path) -> None:
    searcher = Searcher(tmp_path / "none.duckdb")
    with searcher._vector_threads() as first, searcher._vector_threads() as second:
        assert (first, second) == (2, 1)
    with searcher._vector_threads() as again:
        assert again == 2  # the count went back down
