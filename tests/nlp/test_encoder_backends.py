"""The ONNX Runtime encoder path: padding and pooling helpers, and agreement with torch."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nlp_samples import govuk_document

from nlp.chunking import chunk_document
from nlp.config import NlpConfig
from nlp.encoder import load_encoder
from nlp.encoder_backends import mean_pool, pad_batch

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
