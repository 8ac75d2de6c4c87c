from __future__ import annotations

import numpy as np
import pytest
from factories import make_document
from nlp_fakes import HashingEncoder

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.themes import build_theme_prototypes, classify_themes, score_themes
from warehouse.profiles import Profile
from warehouse.records import ThemeScore

TRANSPORT_BODY = (
    "The Department for Transport confirmed funding for new railway stations and rail "
    "connectivity in the region.\n\n"
    "Bus services will improve under bus franchising, with capped bus fares and more routes. "
    "A tram extension of the metro is planned, alongside cycling and walking routes."
)


def _classify(
    profile: Profile, encoder: HashingEncoder, config: NlpConfig, **fields: str
) -> dict[str, ThemeScore]:
    document = make_document(**fields)
    chunks = chunk_document(document, config)
    vectors = encoder.encode([c.text for c in chunks])
    prototypes = build_theme_prototypes(profile, encoder)
    scores = classify_themes(document.id, chunks, vectors, prototypes, encoder, config)
    return {score.theme: score for score in scores}


def test_themes_prototypes_embed_description_and_examples(
    wmca: Profile, fake_encoder: HashingEncoder
) -> None:
    prototypes = build_theme_prototypes(wmca, fake_encoder)
    phrases = sum(1 + len(theme.examples) for theme in wmca.themes)
    assert fake_encoder.calls == [phrases]
    assert prototypes.phrases.shape == (phrases, fake_encoder.dimension)
    assert prototypes.centroids.shape == (len(wmca.themes), fake_encoder.dimension)
    assert np.allclose(np.linalg.norm(prototypes.centroids, axis=1), 1.0, atol=1e-5)
    assert prototypes.theme_ids == tuple(theme.id for theme in wmca.themes)


def test_themes_transport_text_scores_transport_above_housing(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    scores = _classify(
        wmca, fake_encoder, nlp_config, title="New rail stations and bus routes",
        summary="Funding for buses, trains and trams.", body_text=TRANSPORT_BODY,
    )
    assert scores["transport"].score > scores["housing"].score
    assert max(scores.values(), key=lambda s: s.score).theme == "transport"


def test_themes_one_score_per_theme_in_unit_range(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    scores = _classify(wmca, fake_encoder, nlp_config, body_text=TRANSPORT_BODY)
    assert list(scores) == [theme.id for theme in wmca.themes]
    for score in scores.values():
        assert 0.0 <= score.score <= 1.0
        assert score.profile == "wmca"
        assert score.model_version == nlp_config.model_version


def test_themes_evidence_is_a_sentence_of_the_document(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    document = make_document(body_text=TRANSPORT_BODY)
    scores = _classify(wmca, fake_encoder, nlp_config, body_text=TRANSPORT_BODY)
    whole = f"{document.title} {document.summary} {' '.join(TRANSPORT_BODY.split())}"
    for score in scores.values():
        assert score.evidence
        assert score.evidence in whole
    assert "bus" in scores["transport"].evidence.lower() or "rail" in scores[
        "transport"
    ].evidence.lower()


def test_themes_above_threshold_follows_config(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    strict = nlp_config.model_copy(
        update={"themes": nlp_config.themes.model_copy(
            update={"default_threshold": 0.0, "thresholds": {"wmca": {"transport": 1.0}}}
        )}
    )
    scores = _classify(wmca, fake_encoder, strict, body_text=TRANSPORT_BODY)
    assert not scores["transport"].above_threshold
    assert all(s.above_threshold for theme, s in scores.items() if theme != "transport")


def test_themes_title_only_document_is_scored(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    scores = _classify(
        wmca, fake_encoder, nlp_config, title="Knife crime and serious violence", summary="",
        body_text="",
    )
    assert max(scores.values(), key=lambda s: s.score).theme == "safety"
    assert scores["safety"].evidence == "Knife crime and serious violence"


def test_themes_score_without_chunks_is_an_error(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    prototypes = build_theme_prototypes(wmca, fake_encoder)
    with pytest.raises(ValueError, match="at least one chunk"):
        score_themes(np.zeros((0, fake_encoder.dimension)), prototypes, nlp_config.themes)
