from __future__ import annotations

from delivery.text import clip, extractive_summary, highlight, mentions, money, sentences, squash


def test_highlight_marks_whole_words_case_insensitively() -> None:
    segments = highlight("Buses cut in Birmingham; bus cuts", ["cut", "birmingham"])
    assert [(s.text, s.marked) for s in segments] == [
        ("Buses ", False), ("cut", True), (" in ", False), ("Birmingham", True),
        ("; bus cuts", False)]


def test_highlight_prefers_the_longest_term() -> None:
    marked = [s.text for s in highlight("West Midlands Combined Authority", [
        "West Midlands", "West Midlands Combined Authority"]) if s.marked]
    assert marked == ["West Midlands Combined Authority"]


def test_extractive_summary_takes_two_sentences_of_the_summary_else_the_body() -> None:
    assert extractive_summary("One. Two. Three.", "Body.") == "One. Two."
    assert extractive_summary("", "First line. Second line. Third.") == "First line. Second line."


def test_clip_squashes_whitespace_and_control_characters() -> None:
    assert clip("a\x07  b\n c", 100) == "a b c"
    assert clip("abcdef", 4) == "abc…"


def test_mentions_finds_names_as_words() -> None:
    assert mentions("In Coventry today", ["Coventry", "Dudley", "Cove"]) == ["Coventry"]


def test_money_reads_like_a_press_release() -> None:
    assert [money(45e6), money(1.3e9), money(450_000), money(None)] == [
        "£45 million", "£1.3 billion", "£450,000", ""]


def test_squash_repairs_mojibake_and_lost_line_breaks() -> None:
    assert squash("Â£8 million for donâ€™t") == "£8 million for don’t"
    assert squash("he said.rnThe fund") == "he said. The fund"
    assert squash("one\\r\\ntwo") == "one two"


def test_sentences_do_not_end_at_titles() -> None:
    assert sentences("Mr. Smith opened it. It closes soon.") == [
        "Mr. Smith opened it.", "It closes soon."]
