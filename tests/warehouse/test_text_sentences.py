from __future__ import annotations

from warehouse.text import iter_sentence_spans, split_sentences


def test_sentences_split_on_punctuation_and_lines() -> None:
    text = "Buses run late. Funding is £5m! Is it enough?\nA heading\n\nThe end."
    assert split_sentences(text) == [
        "Buses run late.", "Funding is £5m!", "Is it enough?", "A heading", "The end.",
    ]


def test_sentences_do_not_split_abbreviation_before_lower_case() -> None:
    assert split_sentences("Places e.g. towns and cities. Next.") == [
        "Places e.g. towns and cities.", "Next.",
    ]


def test_sentences_spans_point_into_text() -> None:
    text = "  First one.   Second one.\n third "
    spans = list(iter_sentence_spans(text))
    assert [text[s.start:s.end] for s in spans] == ["First one.", "Second one.", "third"]


def test_sentences_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []
