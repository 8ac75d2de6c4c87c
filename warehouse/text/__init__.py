"""Small pure text helpers at the bottom of the import graph: they import nothing from the
project, so every folder may use them.

- `UK`: the UK time zone (Europe/London) every date shown or read as UK time uses.
- `CONTROL_CHARS` and `strip_control`: control characters scraped or typed text must not carry.
- `split_sentences`, `iter_sentence_spans` (warehouse/text/sentences.py): sentences by
  punctuation and line breaks, with offsets.
- `html_to_text` (warehouse/text/markup.py): HTML to plain text with lxml.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from warehouse.text.markup import html_to_text
from warehouse.text.sentences import (
    count_words,
    iter_sentence_spans,
    normalise_space,
    split_sentences,
    word_windows,
)

UK = ZoneInfo("Europe/London")

# C0 controls but tab and line feed, DEL and the C1 controls (ESC sequences a terminal would
# obey, "\r" an email header would). The strictest of the four sets the code had: the digest's,
# the plain-text mail's and the classifier's kept "\r" and C1; the terminal's dropped them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str, replacement: str = " ") -> str:
    """`text` with every control character (CONTROL_CHARS) replaced."""
    return CONTROL_CHARS.sub(replacement, text)


__all__ = [
    "CONTROL_CHARS", "UK", "count_words", "html_to_text", "iter_sentence_spans",
    "normalise_space", "split_sentences", "strip_control", "word_windows",
]
