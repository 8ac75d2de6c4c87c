from __future__ import annotations

from datetime import UTC, datetime

from warehouse.text import UK, split_sentences, strip_control


def test_text_strip_control_drops_c0_c1_and_carriage_returns_but_keeps_tab_and_newline() -> None:
    assert strip_control("a\x00b\x1b[31mc\r\x9bd\te\nf\x7f") == "a b [31mc  d\te\nf "
    assert strip_control("bell\x07", "") == "bell"


def test_text_uk_is_london_time_with_summer_time() -> None:
    assert datetime(2026, 7, 1, 12, tzinfo=UTC).astimezone(UK).hour == 13
    assert datetime(2026, 12, 1, 12, tzinfo=UTC).astimezone(UK).hour == 12


def test_text_sentences_do_not_end_at_titles_and_abbreviations() -> None:
    assert split_sentences("Dr. Patel spoke at No. 10 today. Cllr. Khan replied.") == [
        "Dr. Patel spoke at No. 10 today.", "Cllr. Khan replied."]
