from __future__ import annotations

import itertools

from warehouse.search.text import PASSAGE_CHARS, highlight_spans, passage_window

TEXT = "Bus franchising lets mayors run buses. The Bus Services Act 2017 allows franchising."


def marked(text: str, query: str) -> list[str]:
    return [text[s:e] for s, e in highlight_spans(text, query)]


def test_search_text_highlights_words_their_forms_and_no_stop_words() -> None:
    assert marked(TEXT, "what about bus franchising") == [
        "Bus", "franchising", "buses", "Bus", "franchising"]


def test_search_text_phrase_is_marked_whole_and_overlaps_merge() -> None:
    spans = highlight_spans(TEXT, '"bus services act" bus')
    assert [TEXT[s:e] for s, e in spans] == ["Bus", "buses", "Bus Services Act"]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_search_text_regex_characters_in_the_query_are_literal() -> None:
    assert marked("Costs (£2.5m) rose; x.y", "(£2.5m) [x") == ["2", "5m", "x"]
    assert highlight_spans(TEXT, "") == highlight_spans(TEXT, "the and of") == []


def test_search_text_passage_window_keeps_the_densest_matches() -> None:
    text = "filler words here. " * 60 + "HS2 and HS2 again. " + "more filler. " * 60
    passage, spans = passage_window(text, highlight_spans(text, "HS2"))
    assert len(passage) <= PASSAGE_CHARS + 4 and passage.startswith("… ")
    assert [passage[s:e] for s, e in spans] == ["HS2", "HS2"]
