"""Amounts, percentages and dates in a sentence: pure regular expressions, no model."""

from __future__ import annotations

import re

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
FIGURE = re.compile(
    r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|bn|m|k)\b)?"
    r"|\b\d+(?:\.\d+)?\s?(?:%|per\s?cent\b)"
    rf"|\b\d{{1,2}}\s(?:{_MONTHS})(?:\s\d{{4}})?\b"
    rf"|\b(?:{_MONTHS})\s\d{{4}}\b"
)
AMOUNT = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|bn|m|k)\b)?")


def figures_in(sentence: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in FIGURE.finditer(sentence)))


def has_amount(sentence: str) -> bool:
    return AMOUNT.search(sentence) is not None
