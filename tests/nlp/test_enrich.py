from __future__ import annotations

import numpy as np
import pytest
from factories import make_document
from nlp_fakes import HashingEncoder

from nlp.config import NlpConfig
from nlp.enrich import enrich_documents
from nlp.themes import build_theme_prototypes
from warehouse.profiles import Profile
from warehouse.records import Document

BODY = "Bus services and rail stations get new funding. " * 60


def _documents(count: int) -> list[Document]:
    return [
        make_document(url=f"https://www.gov.uk/government/news/item-{i}", body_text=BODY)
        for i in range(count)
    ]


def test_enrich_one_enrichment_per_document_in_order(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    documents = _documents(3)
    enrichments = enrich_documents(documents, wmca, fake_encoder, nlp_config)
    assert [e.document_id for e in enrichments] == [d.id for d in documents]
    for enrichment in enrichments:
        assert len(enrichment.embeddings) == len(enrichment.chunks) > 1
        vectors = np.asarray(enrichment.embeddings)
        assert vectors.shape[1] == fake_encoder.dimension
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert len(enrichment.theme_scores) == len(wmca.themes)
        assert enrichment.model_version == nlp_config.model_version


def test_enrich_batches_chunks_across_documents(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    prototypes = build_theme_prototypes(wmca, fake_encoder)
    fake_encoder.calls.clear()
    small_batches = nlp_config.model_copy(
        update={"encoder": nlp_config.encoder.model_copy(update={"batch_size": 4})}
    )
    enrichments = enrich_documents(
        _documents(10), wmca, fake_encoder, small_batches, prototypes=prototypes
    )
    chunks = sum(len(e.chunks) for e in enrichments)
    assert sum(fake_encoder.calls) > chunks  # chunks, then evidence sentences
    assert max(fake_encoder.calls) <= 4 * 8
    assert len(fake_encoder.calls) < 2 * len(enrichments)  # not one call per document


def test_enrich_no_documents_gives_no_enrichments(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    assert enrich_documents([], wmca, fake_encoder, nlp_config) == []


def test_enrich_rejects_prototypes_of_another_profile(
    wmca: Profile, fake_encoder: HashingEncoder, nlp_config: NlpConfig
) -> None:
    other = wmca.model_copy(update={"id": "other"})
    prototypes = build_theme_prototypes(other, fake_encoder)
    with pytest.raises(ValueError, match="profile 'other'"):
        enrich_documents(_documents(1), wmca, fake_encoder, nlp_config, prototypes=prototypes)


def test_enrich_rejects_encoder_of_wrong_dimension(
    wmca: Profile, nlp_config: NlpConfig
) -> None:
    with pytest.raises(ValueError, match=r"encoder\.dimension"):
        enrich_documents(_documents(1), wmca, HashingEncoder(dimension=16), nlp_config)
