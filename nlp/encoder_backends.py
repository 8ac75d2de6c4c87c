"""Faster encoder paths, kept behind config (encoder.backend) and measured against the reference.

- onnx: the transformer exported locally with torch.onnx at first use (from the local weights,
  never a download), its attention and layer-norm subgraphs fused by ONNX Runtime's transformer
  optimizer (model_type bert), cached under `onnx_cache_dir`; run with full graph optimisation,
  one intra-op thread per available core (or OMP_NUM_THREADS) and sequential execution. Texts
  are tokenised once, sorted by token length and batched, so padding is minimal; mean pooling
  and L2 normalisation as the sentence-transformers model does. Needs `onnx` and `onnxruntime`.
- onnx_int8: the same fused graph with its MatMul weights quantised to int8 per channel
  (onnxruntime.quantization.quantize_dynamic); gated like any other path.
- torch_int8: dynamic int8 quantisation of the model's nn.Linear layers (torch.ao).
bench/enrich_throughput.py reports their speed and agreement (mean cosine) with the reference;
a path is the default only if it passes the gate (config/nlp.yaml says which).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from nlp.encoder import NamedEncoder

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def quantise_int8(model: Any) -> Any:
    import torch

    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def encoder_threads() -> int:
    """Intra-op threads for the encoder: OMP_NUM_THREADS when set (Dask sets it to 1 in each
    worker process, so N backfill workers share the cores instead of each taking all of them),
    else one per available core."""
    wanted = os.environ.get("OMP_NUM_THREADS", "").strip()
    return max(1, int(wanted)) if wanted.isdigit() else available_cores()


class OnnxEncoder(NamedEncoder):
    """The sentence-transformers model's transformer run by ONNX Runtime."""

    def __init__(self, model: Any, cache_dir: Path, dimension: int, version: str,
                 batch_size: int, max_tokens: int, *, int8: bool = False,
                 spinning: bool = True) -> None:
        """`spinning` lets idle intra-op threads busy-wait between runs (good for batches of
        texts, bad for a single query between other work)."""
        import onnxruntime

        super().__init__(dimension, f"{version}+onnx" + ("-int8" if int8 else ""))
        self._tokenizer = model.tokenizer
        self._pad_id = int(self._tokenizer.pad_token_id or 0)
        self._batch_size = batch_size
        self._max_tokens = max_tokens
        path = prepare_onnx(model, cache_dir, version, int8=int8)
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = encoder_threads()
        if not spinning:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        self._session = onnxruntime.InferenceSession(str(path), options,
                                                     providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_with_spans(texts, None)[0]

    def encode_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]] | None
                          ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Text vectors and, if `spans` are given, a vector per character span of each text:
        the mean of the span's token vectors from the same pass (in context, no second
        encoding), L2-normalised; a zero row for a span past the token limit."""
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        span_vectors = [np.zeros((len(row), self._dimension), dtype=np.float32)
                        for row in (spans or [[] for _ in texts])]
        if not texts:
            return out, span_vectors
        encoded = self._tokenizer(list(texts), truncation=True, max_length=self._max_tokens,
                                  padding=False, return_offsets_mapping=spans is not None,
                                  return_special_tokens_mask=spans is not None)
        ids = encoded["input_ids"]
        order = np.argsort([-len(row) for row in ids], kind="stable")
        for start in range(0, len(texts), self._batch_size):
            rows = order[start:start + self._batch_size]
            input_ids, mask = pad_batch([ids[i] for i in rows], self._pad_id)
            feeds = {"input_ids": input_ids, "attention_mask": mask,
                     "token_type_ids": np.zeros_like(input_ids)}
            hidden = self._session.run(None, {name: feeds[name] for name in self._inputs})[0]
            out[rows] = mean_pool(hidden, mask)
            if spans is not None:
                for at, row in enumerate(rows):
                    span_vectors[row] = pool_spans(
                        hidden[at], encoded["offset_mapping"][row],
                        encoded["special_tokens_mask"][row], spans[row], self._dimension)
        return out, span_vectors


def pool_spans(hidden: np.ndarray, offsets: list[tuple[int, int]], special: list[int],
               spans: list[tuple[int, int]], dimension: int) -> np.ndarray:
    """L2-normalised mean of the token vectors inside each character span (zero row if none)."""
    out = np.zeros((len(spans), dimension), dtype=np.float32)
    real = [j for j, flag in enumerate(special) if not flag]
    if not spans or not real:
        return out
    starts = np.array([offsets[j][0] for j in real])
    ends = np.array([offsets[j][1] for j in real])
    running = np.vstack([np.zeros((1, hidden.shape[1]), dtype=np.float64),
                         np.cumsum(hidden[real], axis=0, dtype=np.float64)])
    for index, (begin, finish) in enumerate(spans):
        low = int(np.searchsorted(starts, begin, side="left"))
        high = int(np.searchsorted(ends, finish, side="right"))
        if high > low:
            pooled = (running[high] - running[low]) / (high - low)
            out[index] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out


def pad_batch(rows: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) int64 arrays padded to the longest row."""
    width = max(len(row) for row in rows)
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for index, row in enumerate(rows):
        input_ids[index, :len(row)] = row
        mask[index, :len(row)] = 1
    return input_ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Masked mean of token vectors, L2-normalised (sentence-transformers' pooling)."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def prepare_onnx(model: Any, cache_dir: Path, version: str, *, int8: bool = False) -> Path:
    """The cached, fused (and optionally int8) ONNX graph of the model; built once, offline."""
    import onnxruntime

    cache_dir = cache_dir.expanduser()
    key = hashlib.sha1(f"{version}|ort={onnxruntime.__version__}".encode()).hexdigest()[:12]
    exported = cache_dir / f"{key}.onnx"
    fused = cache_dir / f"{key}.fused.onnx"
    final = cache_dir / f"{key}.fused.int8.onnx" if int8 else fused
    if final.exists():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not exported.exists():
        _export(model, exported)
    if not fused.exists():
        _fuse(exported, fused, model)
    if int8:
        _quantise(fused, final)
    return final


def _export(model: Any, path: Path) -> None:
    import torch

    transformer = model[0].auto_model.eval()

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = model.tokenizer(["an example", "a longer example text"], padding=True,
                             return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    partial = path.with_suffix(f".{os.getpid()}.partial")
    # Eager attention exports the plain MatMul/Softmax pattern that the optimizer fuses into one
    # Attention node per layer (SDPA's exported graph is not recognised); restored afterwards.
    previous = transformer.config._attn_implementation
    transformer.set_attn_implementation("eager")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer's notes on shapes and indexing; the graph is checked against torch
            # (cosine 1.0000, tests/nlp/test_encoder_backends.py), so they are noise here.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Hidden(), (sample["input_ids"], sample["attention_mask"],
                            sample["token_type_ids"]),
                str(partial), input_names=list(_INPUTS), output_names=["hidden"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                              "hidden": axes},
                opset_version=17, dynamo=False,
            )
    finally:
        transformer.set_attn_implementation(previous)
    partial.replace(path)


def _fuse(source: Path, target: Path, model: Any) -> None:
    """Attention, GELU and layer-norm fusion for a BERT-style encoder."""
    from onnxruntime.transformers import optimizer

    config = model[0].auto_model.config
    optimised = optimizer.optimize_model(
        str(source), model_type="bert", num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size), opt_level=0)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    optimised.save_model_to_file(str(partial))
    partial.replace(target)


def _quantise(source: Path, target: Path) -> None:
    """int8 weights of the MatMuls only (no embeddings, no Gather), per output channel."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_suffix(f".{os.getpid()}.partial")
    quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                     reduce_range=True, op_types_to_quantize=["MatMul"],
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    partial.replace(target)
