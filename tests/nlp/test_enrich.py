from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from nlp.config import NlpConfig
from nlp.enrich import embed_texts, enrich_documents
from nlp.kit import EnrichmentKit
from tests.support.factories import make_document
from tests.support.nlp_fakes import HashingEncoder, SpanHashingEncoder
from warehouse.config.profiles import Profile
from warehouse.records import Document, Signal

BODY = "Bus services and rail stations get new funding. " * 60
NOW = datetime(2026, 1, 5, tzinfo=UTC)


def _documents(count: int) -> list[Document]:
    return [
        make_document(url=f"https://www.gov.uk/government/news/item-{i}", body_text=BODY)
        for i in range(count)
    ]


def test_enrich_one_enrichment_per_document_in_order(
    wmca: Profile, fake_kit: EnrichmentKit, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    documents = _documents(3)
    enrichments = enrich_documents(documents, fake_kit, fake_encoder, nlp_config, now=NOW)
    assert [e.document_id for e in enrichments] == [d.id for d in documents]
    for enrichment in enrichments:
        assert len(enrichment.embeddings) == len(enrichment.chunks) > 1
        vectors = np.asarray(enrichment.embeddings)
        assert vectors.shape[1] == fake_encoder.dimension
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert len(enrichment.theme_scores) == len(wmca.themes)
        assert enrichment.model_version == nlp_config.model_version


def test_enrich_every_document_gets_an_insight(
    fake_kit: EnrichmentKit, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    [enrichment] = enrich_documents(_documents(1), fake_kit, fake_encoder, nlp_config, now=NOW)
    insight = enrichment.insight
    assert insight is not None
    assert insight.document_id == enrichment.document_id
    assert insight.profile == "wmca"
    assert insight.signal is Signal.OPPORTUNITY  # "new funding"
    assert "new funding" in insight.matched_terms
    assert "West Midlands" in insight.places  # in the title
    assert 0.0 < insight.region_score <= 1.0
    assert insight.model_version == nlp_config.model_version


def test_enrich_batches_chunks_across_documents(
    fake_kit: EnrichmentKit, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    small_batches = nlp_config.model_copy(
        update={"encoder": nlp_config.encoder.model_copy(update={"batch_size": 4})}
    )
    enrichments = enrich_documents(_documents(10), fake_kit, fake_encoder, small_batches, now=NOW)
    chunks = sum(len(e.chunks) for e in enrichments)
    assert sum(fake_encoder.calls) > chunks  # chunks, then evidence sentences
    assert max(fake_encoder.calls) <= 4 * 8
    assert len(fake_encoder.calls) < 2 * len(enrichments)  # not one call per document


def test_enrich_no_documents_gives_no_enrichments(
    fake_kit: EnrichmentKit, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    assert enrich_documents([], fake_kit, fake_encoder, nlp_config) == []


def test_enrich_rejects_encoder_of_wrong_dimension(
    fake_kit: EnrichmentKit, nlp_config: NlpConfig
) -> None:
    with pytest.raises(ValueError, match=r"encoder\.dimension"):
        enrich_documents(_documents(1), fake_kit, HashingEncoder(dimension=16), nlp_config)


def test_enrich_embed_texts_keeps_input_order_when_sorting_by_length(
    fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    texts = [f"{'word ' * (i * 7 % 23)}theme {i}" for i in range(40)]
    small = nlp_config.model_copy(
        update={"encoder": nlp_config.encoder.model_copy(update={"batch_size": 2})}
    )
    vectors = embed_texts(texts, fake_encoder, small)
    assert np.allclose(vectors, HashingEncoder().encode(texts))
    assert len(fake_encoder.calls) == 3  # 40 texts in calls of 2 x 8


def test_enrich_timings_name_every_stage(
    fake_kit: EnrichmentKit, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    timings: dict[str, float] = {}
    enrich_documents(_documents(2), fake_kit, fake_encoder, nlp_config, now=NOW, timings=timings)
    assert {"chunking", "encode chunks", "theme head", "encode evidence sentences",
            "spaCy entities", "places", "signals", "funding"} <= set(timings)
    assert all(seconds >= 0.0 for seconds in timings.values())


@pytest.mark.parametrize("limit_chars", [10**9, 300])
def test_enrich_in_context_evidence_encodes_no_second_pass_and_falls_back_past_the_limit(
    fake_kit: EnrichmentKit, nlp_config: NlpConfig, limit_chars: int
) -> None:
    documents = [make_document(url=f"https://www.gov.uk/government/news/mixed-{i}",
                               body_text=("Fishing quotas were agreed with Norway today. "
                                          "Bus services and rail stations get new funding. "
                                          "The museum opens on Sunday afternoons. ") * 25)
                 for i in range(3)]
    separate = enrich_documents(documents, fake_kit, HashingEncoder(), nlp_config, now=NOW)
    themes = nlp_config.themes.model_copy(update={"evidence_encoding": "in_context"})
    in_context = nlp_config.model_copy(update={"themes": themes})
    encoder = SpanHashingEncoder(limit_chars)
    timings: dict[str, float] = {}
    found = enrich_documents(documents, fake_kit, encoder, in_context, now=NOW, timings=timings)
    # The fake's in-context vectors equal its standalone ones, so the evidence is the same ...
    assert [[s.evidence for s in e.theme_scores] for e in found] == [
        [s.evidence for s in e.theme_scores] for e in separate]
    assert all(s.evidence for e in found for s in e.theme_scores)
    # ... and only sentences past the limit were encoded again.
    chunk_calls = 1  # every chunk of 3 small documents fits one call
    assert len(encoder.calls) == chunk_calls + (0 if limit_chars > 10**6 else 1)
    assert "encode evidence sentences" in timings


def test_enrich_in_context_setting_needs_an_encoder_with_spans(
    fake_kit: EnrichmentKit, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    themes = nlp_config.themes.model_copy(update={"evidence_encoding": "in_context"})
    config = nlp_config.model_copy(update={"themes": themes})
    found = enrich_documents(_documents(2), fake_kit, fake_encoder, config, now=NOW)
    assert all(s.evidence for e in found for s in e.theme_scores)
    assert len(fake_encoder.calls) == 2  # chunks, then evidence sentences on their own


def test_enrich_for_profiles_encodes_once_and_scores_each_profile(
    wmca: Profile, nlp_config: NlpConfig, config_dir
) -> None:
    from nlp.enrich import enrich_for_profiles
    from nlp.kit import build_kit
    from warehouse.config.profiles import load_profile

    cpca = load_profile(config_dir, "cpca")
    kits = [build_kit(p, HashingEncoder(), nlp_config, config_dir, with_spacy=False)
            for p in (wmca, cpca)]
    documents = _documents(3)
    in_context = nlp_config.model_copy(update={"themes": nlp_config.themes.model_copy(
        update={"evidence_encoding": "in_context"})})
    counting = SpanHashingEncoder()
    both = enrich_for_profiles(documents, kits, counting, in_context, now=NOW)
    one = SpanHashingEncoder()
    enrich_documents(documents, kits[0], one, in_context, now=NOW)
    assert counting.calls == one.calls  # the encoding is shared, not repeated per profile
    assert set(both) == {"wmca", "cpca"}
    for kit in kits:
        alone = enrich_documents(documents, kit, SpanHashingEncoder(), in_context, now=NOW)
        assert [e.model_dump() for e in both[kit.profile.id]] == [e.model_dump() for e in alone]
    assert {s.theme for s in both["cpca"][0].theme_scores} != {
        s.theme for s in both["wmca"][0].theme_scores}
