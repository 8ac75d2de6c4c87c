"""Speed of the whole enrichment against raw model.encode, on the same texts, in one run.

    .venv/bin/python -m bench.enrich_throughput [--docs 40] [--backends torch,onnx,onnx_int8,...]
                                                [--evidence 3x12,1x12]

Texts are the real GOV.UK content items of the samples folder, chunked as the enrichment does.
Reported from one run:
  - raw model.encode of the reference (torch) on the chunk texts (chunks/s), and on the same
    documents' body paragraphs (paragraphs/s: the unit of the issue's "~32 paragraphs a second";
    our chunks are longer, up to 256 tokens, so chunks/s is the lower figure);
  - each other backend's raw encode on the same chunks: speed-up and cosine agreement with torch
    (gate: mean cosine >= 0.99; theme macro-F1 is checked by bench/eval_themes.py --backend);
  - the whole enrichment (chunk, encode, theme head and evidence, spaCy, gazetteer, signal,
    funding) with the configured backend: docs/s, chunks/s, overhead over that backend's own raw
    encode of the chunks, and seconds per stage;
  - with --evidence: evidence settings (max chunks x max sentences) compared on the DEV split of
    the labelled theme set: sentences encoded, and how often the evidence of a labelled theme is
    the same sentence as with the first setting (and its theme probability);
  - peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, datetime

import numpy as np

from nlp.chunking import chunk_document
from nlp.config import NlpConfig, load_nlp_config
from nlp.encoder import TextEncoder, load_encoder
from nlp.enrich import embed_texts, enrich_documents
from nlp.kit import build_kit
from scrapers.govuk.parse import parse_content_item
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.text import count_words


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def with_backend(config: NlpConfig, backend: str) -> NlpConfig:
    return config.model_copy(update={
        "encoder": config.encoder.model_copy(update={"backend": backend})})


def timed_encode(encoder: TextEncoder, texts: list[str]) -> tuple[np.ndarray, float]:
    encoder.encode(texts[:8])  # warm up
    start = time.perf_counter()
    vectors = encoder.encode(texts)
    return vectors, time.perf_counter() - start


def paragraphs_of(documents) -> list[str]:
    """Body paragraphs (lines of at least 8 words), as a paragraph-level encoder would see."""
    return [line.strip() for d in documents for line in d.body_text.splitlines()
            if count_words(line) >= 8]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--backends", default="torch,onnx,onnx_int8,torch_int8")
    parser.add_argument("--max-paragraphs", type=int, default=300)
    parser.add_argument("--evidence", default="",
                        help="e.g. 3x12,2x8,2x8c: evidence_max_chunks x evidence_max_sentences,"
                        " c = in-context sentence vectors (no second encoding)")
    parser.add_argument("--fitted-heads", action="store_true",
                        help="enrich with config/theme_heads and config/theme_evidence.yaml on,"
                        " whatever config/nlp.yaml says")
    args = parser.parse_args()
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    if args.fitted_heads:
        config = config.model_copy(update={"themes": config.themes.model_copy(update={
            "heads_dir": "theme_heads", "evidence_file": "theme_evidence.yaml"})})
    profile = load_profile(settings.config_dir, "wmca")
    now = datetime.now(UTC)
    paths = sorted((settings.samples_dir / "govuk/content_api").glob("*/*.json"))[: args.docs]
    documents = [parse_content_item(p.read_bytes(), source="govuk", fetched_at=now)
                 for p in paths]
    texts = [c.text for d in documents for c in chunk_document(d, config)]
    paragraphs = paragraphs_of(documents)[: args.max_paragraphs]
    print(f"{len(documents)} documents, {len(texts)} chunks (max_chunks "
          f"{config.chunking.max_chunks}), {len(paragraphs)} body paragraphs (capped); "
          f"default backend {config.encoder.backend}")

    reference = load_encoder(with_backend(config, "torch"))
    reference_vectors, encode_seconds = timed_encode(reference, texts)
    _, paragraph_seconds = timed_encode(reference, paragraphs)
    print(f"raw model.encode (torch):      {len(texts) / encode_seconds:6.1f} chunks/s  "
          f"{len(paragraphs) / paragraph_seconds:6.1f} paragraphs/s")

    encoders: dict[str, TextEncoder] = {"torch": reference}
    raw_seconds = {"torch": encode_seconds}
    for backend in [b for b in args.backends.split(",") if b and b != "torch"]:
        try:
            encoder = load_encoder(with_backend(config, backend))
        except Exception as error:
            print(f"raw encode ({backend:<10}):  unavailable ({type(error).__name__}: {error})")
            continue
        vectors, seconds = timed_encode(encoder, texts)
        cosine = (vectors * reference_vectors).sum(axis=1)
        passes = cosine.mean() >= 0.99
        encoders[backend], raw_seconds[backend] = encoder, seconds
        print(f"raw encode ({backend:<10}):  {len(texts) / seconds:6.1f} chunks/s  "
              f"speed-up x{encode_seconds / seconds:.2f}  cosine vs torch mean "
              f"{cosine.mean():.4f} min {cosine.min():.4f}  -> cosine gate "
              f"{'passed' if passes else 'FAILED'}")

    backend = config.encoder.backend
    encoder = encoders.get(backend) or load_encoder(config)
    if backend not in raw_seconds:
        raw_seconds[backend] = timed_encode(encoder, texts)[1]
    kit = build_kit(profile, encoder, config, settings.config_dir)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    enrich_documents(documents, kit, encoder, config, now=now, timings=timings)
    seconds = time.perf_counter() - start
    overhead = 100 * (seconds / raw_seconds[backend] - 1)
    print(f"\nwhole enrichment ({backend}): {len(documents) / seconds:6.2f} docs/s  "
          f"{len(texts) / seconds:6.1f} chunks/s  (+{overhead:.0f}%"
          f" over its own raw encode of the chunks; x{encode_seconds / seconds:.2f} the torch raw"
          " encode speed)")
    for stage, spent in sorted(timings.items(), key=lambda item: -item[1]):
        print(f"  {stage:<28} {spent:7.2f} s  {100 * spent / seconds:5.1f}%")
    print(f"  {'(not in a stage)':<28} {seconds - sum(timings.values()):7.2f} s")

    if args.evidence:
        compare_evidence(args.evidence.split(","), config, encoder, profile, settings)
    print(f"\npeak memory: {peak_mb():.0f} MB")


def compare_evidence(variants: list[str], config, encoder, profile, settings) -> None:
    """Evidence settings on the dev split: cost in sentences and agreement with the first one."""
    from bench.eval_themes import to_document
    from tests.support.themeset import load_theme_set

    records = [r for r in load_theme_set(settings.samples_dir, settings.config_dir)
               if r["split"] == "dev"]
    documents = [to_document(r) for r in records]
    theme_ids = [t.id for t in profile.themes]
    chosen: dict[str, list[str]] = {}
    print(f"\nevidence on the dev split ({len(records)} records; labelled themes only):")
    for variant in variants:
        chunks, sentences = (int(part) for part in variant.rstrip("c").split("x"))
        themes = config.themes.model_copy(update={
            "evidence_max_chunks": chunks, "evidence_max_sentences": sentences,
            "evidence_encoding": "in_context" if variant.endswith("c") else "separate"})
        varied = config.model_copy(update={"themes": themes})
        kit = build_kit(profile, encoder, varied, settings.config_dir, with_spacy=False)
        timings: dict[str, float] = {}
        enriched = enrich_documents(documents, kit, encoder, varied, timings=timings)
        picked = [score.evidence for record, enrichment in zip(records, enriched, strict=True)
                  for score in enrichment.theme_scores if score.theme in record["themes"]]
        chosen[variant] = picked
        first = chosen[variants[0]]
        same = np.mean([a == b for a, b in zip(first, picked, strict=True)]) if picked else 0.0
        probability = _evidence_probability(picked, [
            theme_ids.index(score.theme) for record, enrichment in zip(records, enriched,
                                                                        strict=True)
            for score in enrichment.theme_scores if score.theme in record["themes"]],
            kit, encoder, config)
        print(f"  {variant:>6}: evidence encoding {timings['encode evidence sentences']:6.2f} s,"
              f" same sentence as {variants[0]} for {100 * same:5.1f}% of {len(picked)} labelled"
              f" themes, mean theme probability of the sentence {probability:.3f}")


def _evidence_probability(sentences, theme_indices, kit, encoder, config) -> float:
    from nlp.themes import theme_probabilities

    if not sentences:
        return 0.0
    vectors = embed_texts(sentences, encoder, config)
    probabilities = theme_probabilities(vectors, kit.themes)
    return float(probabilities[np.arange(len(sentences)), theme_indices].mean())


if __name__ == "__main__":
    main()
