"""Errors raised by scrapers' pure parse_* functions."""

from __future__ import annotations


class ParseError(ValueError):
    """Recorded bytes that cannot become a record; `reason` says why, for the run report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
