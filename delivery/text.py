"""Pure text helpers for the digest and alerts: clipping, extractive summaries, highlighting."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from warehouse.text import split_sentences, strip_control

# UTF-8 read as Windows-1252 ("Â£8 million", "donâ€™t"): the usual sequences, put back.
_MOJIBAKE = re.compile(r"[ÂÃâ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\xa0-\xbf]{1,2}")
# Line breaks that lost their backslashes on the way ("said.rnThe", "\\r\\n").
_LOST_BREAK = re.compile(r"\\r\\n|\\n|(?<=[.,;:!?)])rn(?=[A-Z])")


def repair(text: str) -> str:
    """Undo mojibake and literal line-break escapes in scraped text."""
    def fix(match: re.Match[str]) -> str:
        try:
            return match.group(0).encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return match.group(0)
    return _LOST_BREAK.sub(" ", _MOJIBAKE.sub(fix, text))


# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): scraped text could
# make a title read backwards ("Trojan Source"); dropped, not rendered.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class Segment(BaseModel):
    """A run of text, highlighted or not: templates escape each and mark the highlighted."""

    model_config = ConfigDict(frozen=True)

    text: str
    marked: bool = False


def squash(text: str | None) -> str:
    """One line: control characters and bidi controls dropped, mojibake repaired, whitespace
    collapsed."""
    return " ".join(strip_control(_BIDI_CONTROLS.sub("", repair(text or ""))).split())


def clip(text: str | None, limit: int) -> str:
    text = squash(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sentences(text: str | None) -> list[str]:
    return split_sentences(squash(text))


def extractive_summary(summary: str, body: str, *, max_sentences: int = 2,
                       limit: int = 360) -> str:
    """The first one or two sentences of the source's own summary, else of the body."""
    chosen = sentences(summary) or sentences(body)
    return clip(" ".join(chosen[:max_sentences]), limit)


def highlight(text: str, terms: list[str]) -> list[Segment]:
    """Split `text` into segments, marking whole-word, case-insensitive matches of `terms`."""
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not text:
        return []
    if not words:
        return [Segment(text=text)]
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    segments: list[Segment] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            segments.append(Segment(text=text[position:match.start()]))
        segments.append(Segment(text=match.group(0), marked=True))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text=text[position:]))
    return segments


def mentions(text: str, names: list[str]) -> list[str]:
    """Which of `names` appear in `text` as whole words (case-insensitive), in `names` order."""
    found = []
    for name in names:
        if name and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE):
            found.append(name)
    return found


def money(amount: float | None) -> str:
    """£1.2 million, £450,000, or '' when unknown."""
    if amount is None:
        return ""
    if amount >= 1_000_000_000:
        return f"£{amount / 1_000_000_000:.3g} billion"
    if amount >= 1_000_000:
        return f"£{amount / 1_000_000:.3g} million"
    return f"£{amount:,.0f}"
