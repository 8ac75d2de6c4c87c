from __future__ import annotations

from datetime import date

from conftest import scored

from delivery.digest import build_digest

DAY = date(2026, 11, 22)


def test_build_digest_groups_by_best_theme(profile, scored_documents) -> None:
    digest = build_digest(scored_documents, profile, DAY)
    assert [s.theme_id for s in digest.sections] == ["transport", "housing"]
    assert [i.title for i in digest.sections[1].items] == ["Homes for Coventry"]
    assert digest.unmatched_items == 1
    assert digest.new_items == 3


def test_build_digest_item_says_why(profile, scored_documents) -> None:
    item = build_digest(scored_documents, profile, DAY).sections[0].items[0]
    assert item.reason == "Transport (score 0.81)"
    assert item.evidence == "New funding for buses in Birmingham."
    assert [chip.name for chip in item.themes] == ["Transport"]


def test_build_digest_caps_sections_and_counts_the_rest(profile) -> None:
    many = [
        scored({"url": f"https://www.gov.uk/n/{i}", "title": f"Bus {i}"},
               {"transport": (0.5 + i / 100, True, "buses")})
        for i in range(8)
    ]
    digest = build_digest(many, profile, DAY)
    [section] = digest.sections
    assert len(section.items) == profile.digest.max_items_per_section
    assert section.more == 8 - profile.digest.max_items_per_section
    assert section.items[0].title == "Bus 7"


def test_build_digest_of_nothing_has_no_sections(profile) -> None:
    digest = build_digest([], profile, DAY)
    assert digest.sections == []
    assert digest.matched_items == 0
