"""Faster encoder paths, kept behind config (encoder.backend) and measured against the reference.

- torch_int8: dynamic int8 quantisation of the model's Linear layers (torch.ao).
- onnx: the transformer exported locally with torch.onnx at first use into a cache folder
  outside git (no download), run by ONNX Runtime; mean pooling and L2 normalisation as the
  sentence-transformers model does. Needs `onnx` and `onnxruntime` installed.
bench/enrich_throughput.py reports their speed and agreement (mean cosine) with the reference.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np


def quantise_int8(model: Any) -> Any:
    import torch

    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class OnnxEncoder:
    """The sentence-transformers model's transformer run by ONNX Runtime."""

    def __init__(self, model: Any, cache_dir: Path, dimension: int, version: str,
                 batch_size: int, max_tokens: int) -> None:
        import onnxruntime

        self._tokenizer = model.tokenizer
        self._dimension = dimension
        self._version = f"{version}+onnx"
        self._batch_size = batch_size
        self._max_tokens = max_tokens
        path = _export(model, cache_dir, version)
        options = onnxruntime.SessionOptions()
        self._session = onnxruntime.InferenceSession(str(path), options,
                                                     providers=["CPUExecutionProvider"])

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def version(self) -> str:
        return self._version

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self._batch_size):
            rows = order[start:start + self._batch_size]
            batch = self._tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                                    max_length=self._max_tokens, return_tensors="np")
            hidden = self._session.run(None, {
                "input_ids": batch["input_ids"].astype(np.int64),
                "attention_mask": batch["attention_mask"].astype(np.int64),
                "token_type_ids": batch["token_type_ids"].astype(np.int64),
            })[0]
            mask = batch["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


def _export(model: Any, cache_dir: Path, version: str) -> Path:
    import torch

    cache_dir = cache_dir.expanduser()
    path = cache_dir / f"{hashlib.sha1(version.encode()).hexdigest()[:12]}.onnx"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    transformer = model[0].auto_model.eval()

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = model.tokenizer(["an example"], return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    partial = path.with_suffix(".partial")
    torch.onnx.export(
        _Hidden(), (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(partial), input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["hidden"], dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                               "token_type_ids": axes, "hidden": axes},
        opset_version=17, dynamo=False,
    )
    partial.replace(path)
    return path
