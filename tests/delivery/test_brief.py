"""The brief builder on a constructed warehouse (tests/support/brief_world.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from delivery.brief.model import Brief, NothingMatches, Quote
from delivery.brief.render import render_html, render_markdown, write_brief
from delivery.brief.select import near_duplicates
from delivery.brief.trace import UntraceableBrief, check_traceable, untraceable_quotes
from tests.support.brief_world import AS_OF, HOSTILE_TITLE, BriefWorld, save_brief_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> BriefWorld:
    return save_brief_world(tmp_path_factory.mktemp("brief") / "horizon.duckdb")


@pytest.fixture(scope="module")
def brief(world: BriefWorld) -> Brief:
    return world.brief()


def _quotes(brief: Brief, key: str) -> list[str]:
    return [line.quote.text for line in brief.section(key).lines if line.quote]


def test_brief_has_every_section_in_order(brief: Brief) -> None:
    assert [s.heading for s in brief.sections] == [
        "Bottom line", "What is happening", "What it means for us", "In Parliament",
        "Deadlines and money", "Key figures"]


def test_brief_bottom_line_three_to_five_sentences_one_per_source(brief: Brief) -> None:
    lines = brief.section("bottom_line").lines
    assert 3 <= len(lines) <= 5
    assert len({line.quote.document_id for line in lines}) == len(lines)
    assert near_duplicates([line.quote.text for line in lines]) == 0


def test_brief_leaves_out_the_unrelated_document(world: BriefWorld, brief: Brief) -> None:
    assert world.ids["fishing"] not in {s.document_id for s in brief.sources}


def test_brief_every_quote_is_verbatim(brief: Brief) -> None:
    assert brief.quotes() and untraceable_quotes(brief) == []


def test_brief_refuses_to_render_a_tampered_quote(brief: Brief, tmp_path: Path) -> None:
    section = brief.sections[0]
    first = section.lines[0]
    tampered_line = first.model_copy(update={"quote": Quote(
        text=first.quote.text.replace("£", "€") + " Nobody disagrees.",
        document_id=first.quote.document_id, ref=first.quote.ref)})
    tampered = brief.model_copy(update={"sections": [
        section.model_copy(update={"lines": [tampered_line, *section.lines[1:]]}),
        *brief.sections[1:]]})
    with pytest.raises(UntraceableBrief):
        check_traceable(tampered)
    for render in (render_html, render_markdown):
        with pytest.raises(UntraceableBrief):
            render(tampered)
    with pytest.raises(UntraceableBrief):
        write_brief(tampered, tmp_path / "out", ["html", "md"], "x")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_brief_refuses_a_quote_cited_to_the_wrong_source(brief: Brief) -> None:
    section = brief.sections[0]
    first, second = section.lines[0], section.lines[1]
    swapped = first.model_copy(update={"quote": first.quote.model_copy(update={
        "document_id": second.quote.document_id, "ref": second.quote.ref})})
    tampered = brief.model_copy(update={"sections": [
        section.model_copy(update={"lines": [swapped, *section.lines[1:]]}),
        *brief.sections[1:]]})
    assert untraceable_quotes(tampered)


def test_brief_region_allocation_comes_first(brief: Brief) -> None:
    money = _quotes(brief, "for_us")
    assert "Testshire Combined Authority will receive £6.2 million" in money[0]


def test_brief_threat_with_its_reason(brief: Brief) -> None:
    labels = [line.label for line in brief.section("for_us").lines]
    assert any(label.startswith("Threat: funding cut") for label in labels)


def test_brief_parliament_puts_the_region_mp_first_with_party(brief: Brief) -> None:
    first = brief.section("parliament").lines[0]
    assert first.label.startswith("Sam Member (Labour, Coventry North) (region's MP)")
    labels = " ".join(line.label for line in brief.section("parliament").lines)
    assert "Alex Asker (Conservative)" in labels


def test_brief_deadlines_count_days_and_eligibility(brief: Brief) -> None:
    labels = [line.label for line in brief.section("deadlines").lines]
    assert labels[0].startswith("Closes 30 Nov 2026 (8 days left)")
    assert "who may apply: combined authorities" in labels[0] and "TCA may apply: yes" in labels[0]
    assert labels[1].startswith("Closes 4 Dec 2026 (12 days left) · anyone may respond")


def test_brief_key_figures_each_with_its_sentence(brief: Brief) -> None:
    lines = brief.section("figures").lines
    figures = {line.label: line.quote.text for line in lines}
    assert any("£6.2 million" in label for label in figures)
    assert all(any(f in text for f in label.split(", ")) for label, text in figures.items())


def test_brief_timeline_is_dated_in_order(brief: Brief) -> None:
    labels = [line.label for line in brief.section("timeline").lines]
    assert labels[0].startswith("16 Nov 2026 · Written question")
    assert all(line.link.startswith("https://") for line in brief.section("timeline").lines)


def test_brief_sources_numbered_in_citation_order(brief: Brief) -> None:
    assert [s.ref for s in brief.sources] == list(range(1, len(brief.sources) + 1))
    assert brief.sections[0].lines[0].ref == 1
    assert brief.parser_versions == ["test/1"] and "fake" in brief.model_versions


@pytest.mark.parametrize("topic", ["", "   ", "zzqx vorpal flibbertigibbet"])
def test_brief_nothing_matches_names_nearest_topics(world: BriefWorld, topic: str) -> None:
    with pytest.raises(NothingMatches) as caught:
        world.brief(topic)
    assert "nothing in the warehouse matches" in str(caught.value)
    assert "theme: Transport" in caught.value.nearest
    assert any(n.startswith("story: ") for n in caught.value.nearest)


def test_brief_on_a_story_and_like_a_document(world: BriefWorld) -> None:
    story = world.brief("", story=world.ids["bus-franchising-fund"])
    assert story.topic == "Rural bus grant reduced" or story.sources
    assert world.ids["fishing"] not in {s.document_id for s in story.sources}
    like = world.brief("", like=world.ids["bus-debate"])
    assert world.ids["bus-debate"] in {s.document_id for s in like.sources}


def test_brief_since_excludes_older_documents(world: BriefWorld) -> None:
    recent = world.brief("bus franchising", since=AS_OF.replace(day=19))
    assert world.ids["bus-question"] not in {s.document_id for s in recent.sources}


def test_brief_markdown_escapes_hostile_text(world: BriefWorld) -> None:
    paper = world.brief("Testshire bus riders franchising plan trap")
    assert world.ids["hostile"] in {s.document_id for s in paper.sources}
    md = render_markdown(paper)
    assert not re.search(r"(?<!\\)<(script|img)", md)  # shown as text, never as markup
    assert not re.search(r"(?<!\\)\]\(javascript:", md)
    assert "\x1b" not in md and "\x07" not in md
    html = render_html(paper)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and 'href="javascript:' not in html
    assert HOSTILE_TITLE not in html
