"""The ONNX Runtime encoder path: padding and pooling helpers, and agreement with torch."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.encoder import load_encoder
from nlp.encoder_backends import mean_pool, pad_batch, pool_spans
from tests.support.nlp_samples import govuk_document

RAIL_STRATEGY = Path("govuk/content_api/html_publication/best-practice-command-paper.json")


def test_encoder_backends_pad_batch_masks_only_real_tokens() -> None:
    input_ids, mask = pad_batch([[101, 7, 102], [101, 102]], pad_id=0)
    assert input_ids.tolist() == [[101, 7, 102], [101, 102, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    assert input_ids.dtype == mask.dtype == np.int64


def test_encoder_backends_mean_pool_ignores_padding() -> None:
    hidden = np.array([[[1.0, 0.0], [0.0, 1.0]], [[3.0, 4.0], [100.0, -100.0]]], np.float32)
    pooled = mean_pool(hidden, np.array([[1, 1], [1, 0]]))
    assert np.allclose(pooled[0], [2 ** -0.5, 2 ** -0.5])
    assert np.allclose(pooled[1], [0.6, 0.8])  # the padded token does not count


@pytest.mark.slow
def test_encoder_backends_onnx_agrees_with_torch_on_real_chunks(
    samples_dir: Path, nlp_config: NlpConfig, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pytest.importorskip("onnxruntime")
    document = govuk_document(samples_dir / RAIL_STRATEGY)
    texts = [c.text for c in chunk_document(document, nlp_config)][:12]
    texts += ["Bus franchising in the West Midlands.", "£2 million for skills."]

    def variant(backend: str) -> NlpConfig:
        return nlp_config.model_copy(update={"encoder": nlp_config.encoder.model_copy(
            update={"backend": backend})})

    reference = load_encoder(variant("torch")).encode(texts)
    onnx = load_encoder(variant("onnx"))
    vectors = onnx.encode(texts)
    assert onnx.version.endswith("+onnx")
    assert vectors.shape == reference.shape
    assert float((vectors * reference).sum(axis=1).min()) >= 0.99
    again = onnx.encode(list(reversed(texts)))[::-1]  # the length sort keeps rows in order
    assert np.allclose(again, vectors, atol=1e-4)


@pytest.mark.slow
def test_encoder_backends_onnx_without_onnxruntime_falls_back_to_torch(
    nlp_config: NlpConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import raises ModuleNotFoundError
    onnx = nlp_config.model_copy(update={"encoder": nlp_config.encoder.model_copy(
        update={"backend": "onnx"})})
    with pytest.warns(RuntimeWarning, match="falling back to torch"):
        encoder = load_encoder(onnx)
    assert "+onnx" not in encoder.version
    assert encoder.encode(["Bus franchising."]).shape == (1, nlp_config.encoder.dimension)


def test_encoder_backends_pool_spans_averages_the_tokens_inside_each_span() -> None:
    hidden = np.array([[9.0, 9.0], [3.0, 0.0], [0.0, 4.0], [5.0, 0.0], [9.0, 9.0]], np.float32)
    offsets = [(0, 0), (0, 3), (4, 7), (8, 12), (0, 0)]  # [CLS] w1 w2 w3 [SEP]
    special = [1, 0, 0, 0, 1]
    spans = [(0, 7), (8, 12), (13, 20), (4, 12)]
    pooled = pool_spans(hidden, offsets, special, spans, 2)
    assert np.allclose(pooled[0], [0.6, 0.8])  # mean of w1 and w2, normalised
    assert np.allclose(pooled[1], [1.0, 0.0])
    assert not pooled[2].any()  # past the last token (truncated): a zero row
    assert np.allclose(pooled[3], np.array([5.0, 4.0]) / np.linalg.norm([5.0, 4.0]))


@pytest.mark.slow
def test_encoder_backends_onnx_span_vectors_come_from_the_same_pass(
    samples_dir: Path, nlp_config: NlpConfig
) -> None:
    pytest.importorskip("onnxruntime")
    config = nlp_config.model_copy(update={"encoder": nlp_config.encoder.model_copy(
        update={"backend": "onnx"})})
    encoder = load_encoder(config)
    texts = ["Bus franchising starts in 2027. Skills funding is cut by a third.",
             "A short one."]
    spans = [[(0, 31), (32, 65)], [(0, 12), (500, 520)]]
    vectors, pooled = encoder.encode_with_spans(texts, spans)
    assert np.allclose(vectors, encoder.encode(texts), atol=1e-5)
    assert [p.shape for p in pooled] == [(2, 384), (2, 384)]
    norms = np.linalg.norm(pooled[0], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)
    standalone = encoder.encode(["Bus franchising starts in 2027.",
                                 "Skills funding is cut by a third."])
    # In context is not standalone, but each sentence stays closest to its own standalone vector.
    similarity = pooled[0] @ standalone.T
    assert similarity[0, 0] > similarity[0, 1] and similarity[1, 1] > similarity[1, 0]
    assert not pooled[1][1].any()
