"""Ranking digest items: theme, region, signal, urgency and novelty, weighted from the profile."""

from __future__ import annotations

from datetime import datetime

from warehouse.config.profiles import RankingWeights
from warehouse.deadlines import deadline
from warehouse.records import FundingFacts, ScoredDocument, Signal

SECONDS_PER_DAY = 86_400


def funding_facts(scored: ScoredDocument) -> FundingFacts | None:
    """The enrichment's funding facts (merged with the source's), else the source's own."""
    if scored.insight is not None and scored.insight.funding is not None:
        return scored.insight.funding
    return scored.document.funding


def days_left(scored: ScoredDocument, now: datetime) -> float | None:
    closes = deadline(scored)
    return None if closes is None else (closes - now).total_seconds() / SECONDS_PER_DAY


def urgency(scored: ScoredDocument, now: datetime, window_days: int) -> float:
    """1 when the deadline is now, falling to 0 at `window_days` out; 0 when past or none."""
    left = days_left(scored, now)
    if left is None or left < 0:
        return 0.0
    return max(0.0, 1.0 - left / window_days)


def novelty(scored: ScoredDocument) -> float:
    return 1.0 if scored.version == 1 else 0.5


def signal_strength(scored: ScoredDocument) -> float:
    insight = scored.insight
    if insight is None or insight.signal is Signal.NEUTRAL:
        return 0.0
    return insight.signal_score


def region_relevance(scored: ScoredDocument) -> float:
    return scored.insight.region_score if scored.insight is not None else 0.0


def theme_strength(scored: ScoredDocument) -> float:
    best = scored.best_theme
    return best.score if best is not None else 0.0


def rank_score(scored: ScoredDocument, weights: RankingWeights, now: datetime,
               window_days: int) -> float:
    """Weighted mean of the five scores (weights need not sum to 1)."""
    parts = (
        (weights.theme, theme_strength(scored)),
        (weights.region, region_relevance(scored)),
        (weights.signal, signal_strength(scored)),
        (weights.urgency, urgency(scored, now, window_days)),
        (weights.novelty, novelty(scored)),
    )
    total = sum(weight for weight, _ in parts)
    return sum(weight * value for weight, value in parts) / total if total else 0.0
