"""Source evidence for themes (nlp/theme_evidence.py): taxons and organisations shift the odds.

Constructed documents (tests/support/factories.py) and the hashing stand-in encoder; the maps
are the committed config/theme_evidence.yaml and config/govuk_taxon_themes.yaml.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nlp.config import NlpConfig
from nlp.enrich import enrich_documents
from nlp.kit import EnrichmentKit
from nlp.theme_evidence import (
    SourceEvidence,
    load_source_evidence,
    name_key,
    with_source_evidence,
)
from tests.support.factories import make_document
from tests.support.nlp_fakes import HashingEncoder
from warehouse.config.profiles import Profile

THEMES = ("transport", "housing", "health")


def test_theme_evidence_names_match_whatever_the_spelling() -> None:
    assert name_key("Department for Business, Energy & Industrial Strategy") == \
        name_key("department for business energy and industrial strategy")


def test_theme_evidence_maps_organisations_and_taxons(config_dir: Path, wmca: Profile) -> None:
    evidence = load_source_evidence(config_dir, "wmca", [t.id for t in wmca.themes])
    assert evidence.logit_boost > 0
    assert evidence.themes_of(["Department for Transport"], []) == {"transport"}
    assert evidence.themes_of([], ["Public health"]) == {"health"}
    assert evidence.themes_of(["Cabinet Office"], ["Coronavirus (COVID-19)"]) == set()


def test_theme_evidence_every_mapped_theme_exists(config_dir: Path) -> None:
    from warehouse.config.profiles import load_profile

    for profile_id in ("wmca", "cpca"):
        profile = load_profile(config_dir, profile_id)
        load_source_evidence(config_dir, profile_id, [t.id for t in profile.themes])  # raises


def test_theme_evidence_unknown_theme_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "theme_evidence.yaml").write_text("logit_boost: 1\nwmca:\n  Home Office: [x]\n")
    with pytest.raises(ValueError, match="unknown themes"):
        load_source_evidence(tmp_path, "wmca", THEMES)


def test_theme_evidence_raises_only_the_named_theme_and_keeps_order_elsewhere() -> None:
    scores = np.array([0.2, 0.6, 0.1], dtype=np.float32)
    boosted = with_source_evidence(scores, THEMES, {"transport"}, 1.5)
    assert boosted[0] > scores[0]
    assert boosted[0] == pytest.approx(1 / (1 + np.exp(-(np.log(0.2 / 0.8) + 1.5))), abs=1e-5)
    assert np.array_equal(boosted[1:], scores[1:])


def test_theme_evidence_without_any_leaves_scores_alone() -> None:
    scores = np.array([0.2, 0.6, 0.1], dtype=np.float32)
    assert with_source_evidence(scores, THEMES, set(), 1.5) is scores
    assert with_source_evidence(scores, THEMES, {"transport"}, 0.0) is scores


def test_theme_evidence_enrichment_uses_it_only_where_the_source_has_it(
    fake_kit: EnrichmentKit, nlp_config: NlpConfig, config_dir: Path, wmca: Profile
) -> None:
    encoder = HashingEncoder()
    evidence = load_source_evidence(config_dir, "wmca", [t.id for t in wmca.themes])
    with_evidence = replace(fake_kit, evidence=evidence)
    text_only = replace(fake_kit, evidence=SourceEvidence())
    dft = make_document(title="Road repairs fund", summary="", body_text="",
                        organisations=["Department for Transport"], tags=[])
    plain = make_document(url="https://example.org/plain", title="Road repairs fund",
                          summary="", body_text="", organisations=[], tags=[])

    def transport(kit: EnrichmentKit, document) -> float:
        [enrichment] = enrich_documents([document], kit, encoder, nlp_config)
        return next(s.score for s in enrichment.theme_scores if s.theme == "transport")

    assert transport(with_evidence, dft) > transport(text_only, dft)
    assert transport(with_evidence, plain) == pytest.approx(transport(text_only, plain))
