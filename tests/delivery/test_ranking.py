from __future__ import annotations

from datetime import timedelta

import pytest

from delivery.ranking import rank_score, urgency
from tests.support.delivery_samples import NOW, scored
from warehouse.config.profiles import RankingWeights
from warehouse.records import DocumentKind, Signal


@pytest.mark.parametrize(("days", "expected"), [(0, 1.0), (7, 0.5), (14, 0.0), (30, 0.0),
                                                (-1, 0.0)])
def test_urgency_falls_linearly_to_the_window(days: int, expected: float) -> None:
    item = scored(kind=DocumentKind.CONSULTATION, closes_at=NOW + timedelta(days=days))
    assert urgency(item, NOW, 14) == pytest.approx(expected)


def test_rank_score_is_the_weighted_mean_of_the_five_scores() -> None:
    item = scored(themes={"transport": (0.8, True, "")},
                  insight={"signal": Signal.THREAT, "signal_score": 0.6, "region_score": 0.4})
    weights = RankingWeights(theme=1, region=1, signal=1, urgency=1, novelty=1)
    assert rank_score(item, weights, NOW, 14) == pytest.approx((0.8 + 0.4 + 0.6 + 0 + 1) / 5)


def test_rank_score_ignores_a_neutral_signal_strength() -> None:
    item = scored(insight={"signal": Signal.NEUTRAL, "signal_score": 0.9})
    weights = RankingWeights(theme=0, region=0, signal=1, urgency=0, novelty=0)
    assert rank_score(item, weights, NOW, 14) == 0.0
