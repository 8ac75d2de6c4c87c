"""Documents per second of the whole enrichment against raw model.encode, on the same texts.

    .venv/bin/python bench/enrich_throughput.py [--docs 40] [--backends torch,onnx,torch_int8]

Texts are the real GOV.UK content items of the samples folder, chunked as the enrichment does.
Reported from one run: raw encode speed of the reference (torch) model on the chunk texts; the
whole enrichment (chunk, encode, theme head and evidence, spaCy NER, gazetteer, signal, funding)
on the same documents; each other encoder backend's encode speed and its agreement with the
reference (mean and minimum cosine of the same texts' embeddings); peak resident memory.
A backend is worth switching on only with mean cosine >= 0.99 and a real speed-up.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.chunking import chunk_document
from nlp.config import load_nlp_config
from nlp.encoder import load_encoder
from nlp.enrich import enrich_documents
from nlp.kit import build_kit
from scrapers.govuk.parse import parse_content_item
from warehouse.profiles import load_profile
from warehouse.settings import Settings


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--backends", default="torch,onnx,torch_int8")
    args = parser.parse_args()
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    profile = load_profile(settings.config_dir, "wmca")
    now = datetime.now(UTC)
    paths = sorted((settings.samples_dir / "govuk/content_api").glob("*/*.json"))[: args.docs]
    documents = [parse_content_item(p.read_bytes(), source="govuk", fetched_at=now)
                 for p in paths]
    texts = [c.text for d in documents for c in chunk_document(d, config)]
    print(f"{len(documents)} documents, {len(texts)} chunks "
          f"(max_chunks {config.chunking.max_chunks})")

    reference = load_encoder(config)
    reference.encode(texts[:8])  # warm up
    start = time.perf_counter()
    reference_vectors = reference.encode(texts)
    encode_seconds = time.perf_counter() - start
    print(f"raw model.encode (torch):   {len(texts) / encode_seconds:6.1f} chunks/s  "
          f"{len(documents) / encode_seconds:6.2f} docs/s")

    kit = build_kit(profile, reference, config, settings.config_dir)
    start = time.perf_counter()
    enrich_documents(documents, kit, reference, config, now=now)
    enrich_seconds = time.perf_counter() - start
    print(f"whole enrichment (torch):   {len(texts) / enrich_seconds:6.1f} chunks/s  "
          f"{len(documents) / enrich_seconds:6.2f} docs/s  "
          f"(+{100 * (enrich_seconds / encode_seconds - 1):.0f}% over raw encode)")

    for backend in [b for b in args.backends.split(",") if b and b != "torch"]:
        variant = config.model_copy(update={
            "encoder": config.encoder.model_copy(update={"backend": backend})})
        try:
            encoder = load_encoder(variant)
        except Exception as error:
            print(f"{backend}: unavailable ({type(error).__name__}: {error})")
            continue
        encoder.encode(texts[:8])
        start = time.perf_counter()
        vectors = encoder.encode(texts)
        seconds = time.perf_counter() - start
        cosine = (vectors * reference_vectors).sum(axis=1)
        verdict = "keep" if cosine.mean() >= 0.99 and seconds < encode_seconds else "reject"
        print(f"raw encode ({backend:<10}):  {len(texts) / seconds:6.1f} chunks/s  "
              f"speed-up x{encode_seconds / seconds:.2f}  cosine vs torch mean "
              f"{cosine.mean():.4f} min {cosine.min():.4f}  -> {verdict}")
    print(f"peak memory: {peak_mb():.0f} MB  (numpy threads as configured; "
          f"{np.__version__})")


if __name__ == "__main__":
    main()
