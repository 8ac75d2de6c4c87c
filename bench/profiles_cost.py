"""Cost of scoring more profiles: collect and encode once, then one scoring pass per profile.

    nice -n 19 .venv/bin/python -m bench.profiles_cost [--docs 40] [--profiles 1 2 12]

Documents: the first GOV.UK content items of the recorded samples (used for timing only).
Profiles: wmca, and synthetic copies of it (ids wmca_s1...) whose theme example phrases are
perturbed (each theme's examples rotated and one dropped, the description's words shuffled), so
every copy fits its own theme head. For N profiles it times `enrich_for_profiles` (one chunking and
encoding, N scoring passes) against N separate `enrich_documents` runs; building a profile's kit
(fitting its theme head, once per process) is timed apart.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()


def synthetic_profiles(base, count: int) -> list:
    """`base` and count-1 perturbed copies of it."""
    out = [base]
    for i in range(1, count):
        rng = random.Random(i)
        themes = []
        for theme in base.themes:
            examples = theme.examples[i % len(theme.examples):] + theme.examples[
                :i % len(theme.examples)]
            words = theme.description.split()
            rng.shuffle(words)
            themes.append(theme.model_copy(update={
                "examples": examples[:-1] or examples, "description": " ".join(words)}))
        out.append(base.model_copy(update={"id": f"{base.id}_s{i}", "themes": themes}))
    return out


def main() -> None:
    from nlp.config import load_nlp_config
    from nlp.encoder import load_encoder
    from nlp.enrich import enrich_documents, enrich_for_profiles
    from nlp.kit import build_kit
    from scrapers.govuk.parse import parse_content_item
    from warehouse.config.profiles import load_profile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--profiles", type=int, nargs="+", default=[1, 2, 12])
    args = parser.parse_args()
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    encoder = load_encoder(config)
    now = datetime.now(UTC)
    paths = sorted((settings.samples_dir / "govuk/content_api").glob("*/*.json"))[: args.docs]
    documents = [parse_content_item(p.read_bytes(), source="govuk", fetched_at=now)
                 for p in paths]
    profiles = synthetic_profiles(load_profile(settings.config_dir, "wmca"), max(args.profiles))
    t = time.perf_counter()
    kits = [build_kit(p, encoder, config, settings.config_dir, with_spacy=False)
            for p in profiles]
    kit_s = (time.perf_counter() - t) / len(kits)
    enrich_documents(documents[:2], kits[0], encoder, config, now=now)  # warm-up
    print(f"{len(documents)} documents (recorded GOV.UK samples), encoder backend "
          f"{config.encoder.backend}, spaCy off; building one profile's kit: {kit_s:.1f} s "
          "(once per process)")
    print(f"{'profiles':>8} | {'shared encoding s':>17} | {'of which encode':>15} | "
          f"{'scoring per profile s':>21} | {'separate runs s':>15}")
    shared_by_n: dict[int, float] = {}
    for n in args.profiles:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        enrich_for_profiles(documents, kits[:n], encoder, config, now=now, timings=timings)
        shared = time.perf_counter() - t
        t = time.perf_counter()
        for kit in kits[:min(n, 2)]:  # N separate runs, extrapolated from at most two
            enrich_documents(documents, kit, encoder, config, now=now)
        separate = (time.perf_counter() - t) / min(n, 2) * n
        scoring = (shared - timings.get("encode chunks", 0.0)) / n
        shared_by_n[n] = shared - timings.get("encode chunks", 0.0)
        print(f"{n:>8} | {shared:>17.1f} | {timings.get('encode chunks', 0):>15.1f} | "
              f"{scoring:>21.2f} | {separate:>15.1f}   (load {os.getloadavg()[0]:.1f})",
              flush=True)
    fewest, most = min(shared_by_n), max(shared_by_n)
    if most > fewest:  # scoring time only: encoding is paid once whatever N is
        added = (shared_by_n[most] - shared_by_n[fewest]) / (most - fewest)
        print(f"cost per added profile (scoring, {fewest} -> {most} profiles): {added:.2f} s "
              f"for {len(documents)} documents = {added / len(documents):.3f} s a document")


if __name__ == "__main__":
    main()
