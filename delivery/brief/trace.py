"""Every quoted sentence must be verbatim in its cited document's stored text, or no render."""

from __future__ import annotations

from delivery.brief.model import Brief
from delivery.text import squash


def normalise_space(text: str) -> str:
    """Verbatim up to whitespace and control characters (which no renderer shows)."""
    return squash(text)


class UntraceableBrief(ValueError):
    """A brief quotes text that is not in the document it cites."""


def untraceable_quotes(brief: Brief) -> list[str]:
    """The quotes (with their reference) not found verbatim in their cited source."""
    texts = {s.document_id: normalise_space(s.stored_text) for s in brief.sources}
    refs = {s.document_id: s.ref for s in brief.sources}
    bad = []
    for quote in brief.quotes():
        text = texts.get(quote.document_id)
        if (text is None or refs[quote.document_id] != quote.ref
                or not quote.text.strip() or normalise_space(quote.text) not in text):
            bad.append(f"[{quote.ref}] {quote.text[:80]}")
    titles = {s.ref: s.title for s in brief.sources}
    for section in brief.sections:
        for line in section.lines:
            if line.title and titles.get(line.ref) != line.title:
                bad.append(f"[{line.ref}] title {line.title[:80]}")
    return bad


def check_traceable(brief: Brief) -> None:
    bad = untraceable_quotes(brief)
    if bad:
        raise UntraceableBrief(f"{len(bad)} quoted sentence(s) not verbatim in the cited "
                               f"document; refusing to render: {'; '.join(bad[:3])}")
