"""Threat, opportunity or neutral for the authority, with a short reason and the matched terms.

A transparent lexicon (config/signal_lexicon.yaml) is matched sentence by sentence; terms in the
title or summary count double, a threat term in a sentence naming the authority or the Mayor
counts more (adverse scrutiny), a rival place winning without the region is a threat, and an
open funding call or consultation is an opportunity in itself. The side with more evidence wins
if it leads by a margin; the reason names what was found and quotes the strongest sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from nlp.config import SignalConfig
from nlp.sentences import normalise_space, split_sentences
from warehouse.records import Document, Signal


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    weight: float
    reason: str


@dataclass(frozen=True)
class SignalLexicon:
    opportunity: list[Term]
    threat: list[Term]
    scrutiny_boost: float
    rivals: re.Pattern[str] | None
    rival_wins: re.Pattern[str]
    rival_weight: float
    open_kinds: dict[str, tuple[float, str]]


@dataclass
class SignalMatch:
    signal: Signal
    score: float
    reason: str
    terms: list[str] = field(default_factory=list)
    sentence: str = ""


def parse_signal_lexicon(data: dict) -> SignalLexicon:
    def terms(entries: list[dict]) -> list[Term]:
        return [Term(re.compile(rf"\b(?:{e['pattern']})(?![\w-])", re.IGNORECASE),
                     float(e["weight"]), str(e["reason"])) for e in entries]

    rivals = data.get("rivals") or []
    return SignalLexicon(
        opportunity=terms(data.get("opportunity", [])),
        threat=terms(data.get("threat", [])),
        scrutiny_boost=float(data.get("scrutiny_boost", 1.0)),
        rivals=re.compile(r"\b(?:" + "|".join(re.escape(r) for r in rivals) + r")\b")
        if rivals else None,
        rival_wins=re.compile(rf"\b{data.get('rival_wins', '(?:wins?)')}\b", re.IGNORECASE),
        rival_weight=float(data.get("rival_weight", 1.0)),
        open_kinds={k: (float(v["weight"]), str(v["reason"]))
                    for k, v in (data.get("open_kinds") or {}).items()},
    )


def classify_signal(
    document: Document,
    lexicon: SignalLexicon,
    settings: SignalConfig,
    *,
    region_pattern: re.Pattern[str] | None,
    now: datetime,
) -> SignalMatch:
    """The signal of one document for the authority whose names `region_pattern` matches."""
    head = [s for s in (normalise_space(document.title), normalise_space(document.summary)) if s]
    body = split_sentences(document.body_text[: settings.max_sentences * 400])
    sentences = [(s, settings.head_boost) for s in head]
    sentences += [(s, 1.0) for s in body[: settings.max_sentences]]
    totals = {Signal.OPPORTUNITY: 0.0, Signal.THREAT: 0.0}
    reasons: dict[Signal, dict[str, float]] = {Signal.OPPORTUNITY: {}, Signal.THREAT: {}}
    best: dict[Signal, tuple[float, str]] = {Signal.OPPORTUNITY: (0.0, ""),
                                             Signal.THREAT: (0.0, "")}
    terms: dict[Signal, list[str]] = {Signal.OPPORTUNITY: [], Signal.THREAT: []}
    for sentence, boost in sentences:
        names_us = bool(region_pattern and region_pattern.search(sentence))
        for side, entries in ((Signal.OPPORTUNITY, lexicon.opportunity),
                              (Signal.THREAT, lexicon.threat)):
            weight = 0.0
            for term in entries:
                found = term.pattern.search(sentence)
                if not found:
                    continue
                extra = lexicon.scrutiny_boost if side is Signal.THREAT and names_us else 1.0
                reason = "adverse scrutiny of the authority" if extra > 1.0 and \
                    term.reason == "adverse scrutiny" else term.reason
                gained = term.weight * boost * extra
                weight += gained
                reasons[side][reason] = reasons[side].get(reason, 0.0) + gained
                _add(terms[side], found.group(0).lower())
            if weight > best[side][0]:
                best[side] = (weight, sentence)
            totals[side] += weight
        rival = _rival_wins(sentence, lexicon, names_us)
        if rival:
            gained = lexicon.rival_weight * boost
            totals[Signal.THREAT] += gained
            reasons[Signal.THREAT]["a rival place winning"] = gained
            _add(terms[Signal.THREAT], rival)
            if gained > best[Signal.THREAT][0]:
                best[Signal.THREAT] = (gained, sentence)
    kind = lexicon.open_kinds.get(document.kind.value)
    if kind and _is_open(document, now):
        totals[Signal.OPPORTUNITY] += kind[0]
        reasons[Signal.OPPORTUNITY][kind[1]] = kind[0] * 10  # names first in the reason
        if not best[Signal.OPPORTUNITY][1]:
            best[Signal.OPPORTUNITY] = (kind[0], head[0] if head else "")
    return _decide(totals, reasons, best, terms, settings)


def _rival_wins(sentence: str, lexicon: SignalLexicon, names_us: bool) -> str:
    if lexicon.rivals is None or names_us:
        return ""
    place = lexicon.rivals.search(sentence)
    if place and lexicon.rival_wins.search(sentence):
        return place.group(0)
    return ""


def _is_open(document: Document, now: datetime) -> bool:
    if document.withdrawn_at is not None:
        return False
    return not (document.closes_at is not None and document.closes_at < now)


def _decide(totals, reasons, best, terms, settings: SignalConfig) -> SignalMatch:
    opportunity, threat = totals[Signal.OPPORTUNITY], totals[Signal.THREAT]
    if max(opportunity, threat) < settings.min_evidence or abs(opportunity - threat) < \
            settings.margin:
        return SignalMatch(Signal.NEUTRAL, 0.0, "", [])
    side = Signal.OPPORTUNITY if opportunity > threat else Signal.THREAT
    lead = abs(opportunity - threat)
    named = sorted(reasons[side], key=lambda r: -reasons[side][r])[:2]
    sentence = best[side][1]
    quote = sentence if len(sentence) <= 240 else sentence[:239].rstrip() + "…"
    reason = f"{side.value.capitalize()}: {'; '.join(named)}"
    if quote:
        reason += f" - \"{quote}\""
    score = round(1.0 - math.exp(-lead / settings.scale), 6)
    return SignalMatch(side, score, reason, terms[side][:10], sentence)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
