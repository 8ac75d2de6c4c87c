from __future__ import annotations

import numpy as np
import pytest

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.themes import (
    build_theme_model,
    classify_themes,
    score_themes,
    theme_probabilities,
    theme_training_texts,
)
from tests.support.factories import make_document
from tests.support.nlp_fakes import HashingEncoder
from warehouse.config.profiles import Profile
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
    model = build_theme_model(profile, encoder, config.themes)
    scores = classify_themes(document.id, chunks, vectors, model, encoder, config)
    return {score.theme: score for score in scores}


def test_themes_head_is_trained_on_the_profile_phrases(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    texts, labels = theme_training_texts(wmca)
    model = build_theme_model(wmca, fake_encoder, nlp_config.themes)
    assert fake_encoder.calls == [len(texts)]
    assert model.weights.shape == (len(wmca.themes), fake_encoder.dimension)
    assert model.theme_ids == tuple(theme.id for theme in wmca.themes)
    vectors = fake_encoder.encode(texts)
    predicted = theme_probabilities(vectors, model).argmax(axis=1)
    assert (predicted == np.asarray(labels)).mean() > 0.9  # fits its own training phrases


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


def test_themes_scores_do_not_saturate_on_generic_text(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    scores = _classify(wmca, fake_encoder, nlp_config, title="Annual report and accounts",
                       summary="", body_text="The board met four times during the year.")
    assert max(s.score for s in scores.values()) < 0.9


def test_themes_evidence_is_a_sentence_of_the_document(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    document = make_document(body_text=TRANSPORT_BODY)
    scores = _classify(wmca, fake_encoder, nlp_config, body_text=TRANSPORT_BODY)
    whole = f"{document.title} {document.summary} {' '.join(TRANSPORT_BODY.split())}"
    for score in scores.values():
        assert score.evidence
        assert score.evidence in whole
    assert any(w in scores["transport"].evidence.lower() for w in ("bus", "rail", "tram"))


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
    model = build_theme_model(wmca, fake_encoder, nlp_config.themes)
    with pytest.raises(ValueError, match="at least one chunk"):
        score_themes(np.zeros((0, fake_encoder.dimension)), model)
