"""Threat, opportunity or neutral for the authority, with a reason quoting the evidence sentence.

All rules and weights are in config/signal_lexicon.yaml (its header documents the term flags):
relevance first (a document naming neither the region nor domestic scope terms, or whose head is
about somewhere else, is neutral); weighted threat and opportunity terms matched per sentence with
their direction checked (exceptions such as "cut waiting times", negations such as "has not cut",
an opportunity overlapping a threat gives way); more weight where the region or the authority is
named; rival places winning are threats and their money is not ours; open consultations and calls
in remit are opportunities unless the document's threats reach `threat_override`. The side with
more evidence wins if it leads by a margin (config/nlp.yaml `signals`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from nlp.config import SignalConfig
from warehouse.records import Document, Signal
from warehouse.text import normalise_space, split_sentences

_FLAGS = re.IGNORECASE
_PATTERNS = ("exceptions", "negation", "funded", "scope", "local_scope", "out_of_scope",
             "rival_beats_us", "remit", "closed")


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    weight: float
    reason: str
    where: str = "any"  # any | local | place | remit
    alone: bool = False  # counts only when the sentence has no threat
    unless_funded: bool = False  # a duty in a document that says it is funded is no threat
    while_open: bool = False  # dropped when the document says it is closed
    yields: bool = False  # dropped when the document's threats reach `threat_override`


@dataclass(frozen=True)
class SignalLexicon:
    opportunity: list[Term]
    threat: list[Term]
    scrutiny_boost: float
    rivals: re.Pattern[str] | None
    rival_wins: re.Pattern[str]
    rival_weight: float
    open_kinds: dict[str, tuple[float, str]]
    exceptions: re.Pattern[str] | None = None
    negation: re.Pattern[str] | None = None
    funded: re.Pattern[str] | None = None
    scope: re.Pattern[str] | None = None
    local_scope: re.Pattern[str] | None = None
    out_of_scope: re.Pattern[str] | None = None
    rival_beats_us: re.Pattern[str] | None = None
    local_boost: float = 1.0
    rival_opportunity_factor: float = 1.0
    threat_override: float = math.inf
    remit: re.Pattern[str] | None = None
    closed: re.Pattern[str] | None = None
    kind_factors: dict[str, float] = field(default_factory=dict)


@dataclass
class SignalMatch:
    signal: Signal
    score: float
    reason: str
    terms: list[str] = field(default_factory=list)
    sentence: str = ""


def parse_signal_lexicon(data: dict) -> SignalLexicon:
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}

    def expand(pattern: str) -> str:
        for name, value in macros.items():
            pattern = pattern.replace("{" + name + "}", value)
        return pattern

    def terms(entries: list[dict]) -> list[Term]:
        return [Term(re.compile(rf"(?<!\w)(?:{expand(e['pattern'])})(?![\w-])", _FLAGS),
                     float(e["weight"]), str(e["reason"]), str(e.get("where", "any")),
                     bool(e.get("alone", False)), bool(e.get("unless_funded", False)),
                     bool(e.get("while_open", False)), bool(e.get("yields", False)))
                for e in entries]

    def optional(key: str) -> re.Pattern[str] | None:
        value = data.get(key)
        if not value:
            return None
        value = "|".join(value) if isinstance(value, list) else str(value)
        return re.compile(expand(value), _FLAGS)

    rivals = data.get("rivals") or []
    return SignalLexicon(
        opportunity=terms(data.get("opportunity", [])),
        threat=terms(data.get("threat", [])),
        scrutiny_boost=float(data.get("scrutiny_boost", 1.0)),
        rivals=re.compile(r"\b(?:" + "|".join(re.escape(r) for r in rivals) + r")\b")
        if rivals else None,
        rival_wins=re.compile(rf"\b{data.get('rival_wins', '(?:wins?)')}\b", _FLAGS),
        rival_weight=float(data.get("rival_weight", 1.0)),
        open_kinds={k: (float(v["weight"]), str(v["reason"]))
                    for k, v in (data.get("open_kinds") or {}).items()},
        local_boost=float(data.get("local_boost", 1.0)),
        rival_opportunity_factor=float(data.get("rival_opportunity_factor", 1.0)),
        threat_override=float(data.get("threat_override", math.inf)),
        **{key: optional(key) for key in _PATTERNS},
        kind_factors={str(k): float(v) for k, v in (data.get("kind_factors") or {}).items()},
    )


@dataclass(frozen=True)
class _Facts:
    """What holds for the whole document."""
    in_remit: bool  # names the region, or its title or summary is on local government / themes
    closed: bool  # says the call or competition is closed
    elsewhere: bool  # its title or summary names a rival place and the text never names us
    funded: bool  # says its duties or plans come with money


@dataclass
class _Evidence:
    totals: dict[Signal, float] = field(default_factory=lambda: {
        Signal.OPPORTUNITY: 0.0, Signal.THREAT: 0.0})
    reasons: dict[Signal, dict[str, float]] = field(default_factory=lambda: {
        Signal.OPPORTUNITY: {}, Signal.THREAT: {}})
    best: dict[Signal, tuple[float, str]] = field(default_factory=lambda: {
        Signal.OPPORTUNITY: (0.0, ""), Signal.THREAT: (0.0, "")})
    terms: dict[Signal, list[str]] = field(default_factory=lambda: {
        Signal.OPPORTUNITY: [], Signal.THREAT: []})
    yielding: list[tuple[float, str, float]] = field(default_factory=list)  # total, reason, rank

    def add(self, side: Signal, gained: float, reason: str, term: str) -> None:
        self.totals[side] += gained
        self.reasons[side][reason] = self.reasons[side].get(reason, 0.0) + gained
        _add(self.terms[side], term.lower())

    def keep_best(self, side: Signal, weight: float, sentence: str) -> None:
        if weight > self.best[side][0]:
            self.best[side] = (weight, sentence)

    def give_way(self, threat_override: float) -> None:
        """Drop yielding opportunity evidence when the threats are strong enough."""
        if self.totals[Signal.THREAT] < threat_override:
            return
        reasons = self.reasons[Signal.OPPORTUNITY]
        for gained, reason, rank in self.yielding:
            self.totals[Signal.OPPORTUNITY] -= gained
            reasons[reason] = reasons.get(reason, 0.0) - rank
            if reasons[reason] <= 1e-9:
                del reasons[reason]


def classify_signal(
    document: Document,
    lexicon: SignalLexicon,
    settings: SignalConfig,
    *,
    region_pattern: re.Pattern[str] | None,
    now: datetime,
    place_pattern: re.Pattern[str] | None = None,
) -> SignalMatch:
    """The signal of one document for the authority whose names `region_pattern` matches.

    `place_pattern` (optional) matches the region's places, councils, bodies and people; without
    it only the authority's own names count as naming the region.
    """
    head = [s for s in (normalise_space(document.title), normalise_space(document.summary)) if s]
    body = split_sentences(document.body_text[: settings.max_sentences * 400])
    sentences = [(s, settings.head_boost) for s in head]
    sentences += [(s, 1.0) for s in body[: settings.max_sentences]]
    ours = [p for p in (region_pattern, place_pattern) if p is not None]
    text = " ".join(s for s, _ in sentences)
    if not _is_relevant(head, text, lexicon, ours):
        return SignalMatch(Signal.NEUTRAL, 0.0, "", [])
    facts = _facts(head, text, lexicon, ours)
    factor = lexicon.kind_factors.get(document.kind.value, 1.0)
    evidence = _Evidence()
    for sentence, boost in sentences:
        _score_sentence(sentence, boost * factor, lexicon, region_pattern, ours, facts, evidence)
    kind = lexicon.open_kinds.get(document.kind.value)
    if kind and facts.in_remit and not facts.closed and not facts.elsewhere and \
            _is_open(document, now):
        gained, reason = kind
        evidence.totals[Signal.OPPORTUNITY] += gained
        reasons = evidence.reasons[Signal.OPPORTUNITY]
        reasons[reason] = reasons.get(reason, 0.0) + gained * 10  # named first in the reason
        evidence.yielding.append((gained, reason, gained * 10))
        if not evidence.best[Signal.OPPORTUNITY][1]:
            evidence.best[Signal.OPPORTUNITY] = (gained, head[0] if head else "")
    evidence.give_way(lexicon.threat_override)
    return _decide(evidence, settings)


def _is_relevant(head: list[str], text: str, lexicon: SignalLexicon,
                 ours: list[re.Pattern[str]]) -> bool:
    """Names the region, or is about domestic matters in scope and not about somewhere else."""
    if any(p.search(text) for p in ours):
        return True
    if lexicon.scope is None:
        return True
    inside = len(lexicon.scope.findall(text))
    if lexicon.out_of_scope is not None:
        if any(lexicon.out_of_scope.search(s) for s in head):
            return False
        if len(lexicon.out_of_scope.findall(text)) > inside:
            return False
    rival_won = lexicon.rivals is not None and any(
        lexicon.rivals.search(s) and lexicon.rival_wins.search(s) for s in head)
    return inside > 0 or rival_won


def _facts(head: list[str], text: str, lexicon: SignalLexicon,
           ours: list[re.Pattern[str]]) -> _Facts:
    names_us = any(p.search(text) for p in ours)
    in_remit = names_us or lexicon.remit is None or any(lexicon.remit.search(s) for s in head)
    closed = bool(lexicon.closed and lexicon.closed.search(text))
    elsewhere = not names_us and bool(lexicon.rivals) and \
        any(lexicon.rivals.search(s) for s in head)  # type: ignore[union-attr]
    funded = bool(lexicon.funded and lexicon.funded.search(text))
    return _Facts(in_remit, closed, elsewhere, funded)


def _score_sentence(sentence: str, boost: float, lexicon: SignalLexicon,
                    authority: re.Pattern[str] | None, ours: list[re.Pattern[str]],
                    facts: _Facts, evidence: _Evidence) -> None:
    names_authority = bool(authority and authority.search(sentence))
    names_us = names_authority or any(p.search(sentence) for p in ours)
    local = names_us or bool(lexicon.local_scope and lexicon.local_scope.search(sentence))
    exceptions = [m.span() for m in lexicon.exceptions.finditer(sentence)] \
        if lexicon.exceptions else []
    threats = [(t, m) for t, m in _found(sentence, lexicon.threat, lexicon)
               if not _inside(m.span(), exceptions) and _placed(t, names_us, local, facts)
               and not (t.unless_funded and facts.funded)]
    spans = [m.span() for _, m in threats]
    opportunities = [(t, m) for t, m in _found(sentence, lexicon.opportunity, lexicon)
                     if not _overlaps(m.span(), spans) and _placed(t, names_us, local, facts)
                     and not (t.alone and threats) and not (t.while_open and facts.closed)]
    rival = _rival(sentence, lexicon, names_us)
    weight = {Signal.THREAT: 0.0, Signal.OPPORTUNITY: 0.0}
    threat_boost = lexicon.scrutiny_boost if names_authority else \
        lexicon.local_boost if names_us else 1.0
    for term, found in threats:
        gained = term.weight * boost * threat_boost
        reason = "adverse scrutiny of the authority" if names_authority and \
            term.reason == "adverse scrutiny" else term.reason
        weight[Signal.THREAT] += gained
        evidence.add(Signal.THREAT, gained, reason, found.group(0))
    opportunity_boost = lexicon.local_boost if names_us else \
        lexicon.rival_opportunity_factor if rival or facts.elsewhere else 1.0
    for term, found in opportunities:
        gained = term.weight * boost * opportunity_boost
        if gained > 0:
            weight[Signal.OPPORTUNITY] += gained
            evidence.add(Signal.OPPORTUNITY, gained, term.reason, found.group(0))
            if term.yields:
                evidence.yielding.append((gained, term.reason, gained))
    if rival and lexicon.rival_wins.search(sentence) and (
            not names_us or (lexicon.rival_beats_us and lexicon.rival_beats_us.search(sentence))):
        gained = lexicon.rival_weight * boost
        weight[Signal.THREAT] += gained
        evidence.add(Signal.THREAT, gained, "a rival place winning", rival)
    for side, value in weight.items():
        evidence.keep_best(side, value, sentence)


def _found(sentence: str, terms: list[Term], lexicon: SignalLexicon):
    for term in terms:
        for found in term.pattern.finditer(sentence):
            if lexicon.negation is None or not lexicon.negation.search(sentence[: found.start()]):
                yield term, found
                break


def _placed(term: Term, names_us: bool, local: bool, facts: _Facts) -> bool:
    return term.where == "any" or (term.where == "place" and names_us) or \
        (term.where == "local" and local) or (term.where == "remit" and facts.in_remit)


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in others)


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _rival(sentence: str, lexicon: SignalLexicon, names_us: bool) -> str:
    """The rival place a sentence is about when it does not name the region (or beats it)."""
    if lexicon.rivals is None:
        return ""
    place = lexicon.rivals.search(sentence)
    if not place:
        return ""
    if names_us and not (lexicon.rival_beats_us and lexicon.rival_beats_us.search(sentence)):
        return ""
    return place.group(0)


def _is_open(document: Document, now: datetime) -> bool:
    if document.withdrawn_at is not None:
        return False
    return not (document.closes_at is not None and document.closes_at < now)


def _decide(evidence: _Evidence, settings: SignalConfig) -> SignalMatch:
    opportunity = evidence.totals[Signal.OPPORTUNITY]
    threat = evidence.totals[Signal.THREAT]
    if max(opportunity, threat) < settings.min_evidence or abs(opportunity - threat) < \
            settings.margin:
        return SignalMatch(Signal.NEUTRAL, 0.0, "", [])
    side = Signal.OPPORTUNITY if opportunity > threat else Signal.THREAT
    lead = abs(opportunity - threat)
    named = sorted(evidence.reasons[side], key=lambda r: -evidence.reasons[side][r])[:2]
    sentence = evidence.best[side][1]
    quote = sentence if len(sentence) <= 240 else sentence[:239].rstrip() + "…"
    reason = f"{side.value.capitalize()}: {'; '.join(named)}"
    if quote:
        reason += f" - \"{quote}\""
    score = round(1.0 - math.exp(-lead / settings.scale), 6)
    return SignalMatch(side, score, reason, evidence.terms[side][:10], sentence)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
