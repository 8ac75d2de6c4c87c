"""Per-theme precision, recall and F1 of the theme head on the held-aside test set, with baselines.

    .venv/bin/python bench/eval_themes.py           # report with config's thresholds
    .venv/bin/python bench/eval_themes.py --fit     # first fit per-theme thresholds on DEV only
                                                    # and write config/theme_thresholds.yaml
    .venv/bin/python bench/eval_themes.py --profile cpca [--fit]   # the CPCA profile and labels

The labelled set (bench/themeset.py) is hand-written texts plus real samples (GOV.UK content items
labelled from their taxons by name, or by hand). Reported in the same run on the test split:
  - baseline: cosine of title vs theme name, ONE threshold tuned on the test split itself
    (the issue's naive baseline; flattering to it);
  - head @0.5: the theme head with a flat threshold;
  - head: the theme head with the per-theme thresholds from config (fitted on dev only).
`--backend onnx|torch_int8` runs the same evaluation with another encoder path. `--profile`
(default wmca) picks the profile and its labels (bench/themeset.py LABEL_FILES); `--fit` rewrites
only that profile's section of the thresholds file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.themeset import LABEL_FILES, load_theme_set
from nlp.chunking import chunk_document
from nlp.config import load_nlp_config
from nlp.encoder import load_encoder
from nlp.enrich import embed_texts
from nlp.themes import build_theme_model, score_themes
from warehouse.profiles import load_profile
from warehouse.records import Document, DocumentKind
from warehouse.settings import Settings

GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def prf(scores: np.ndarray, truth: np.ndarray, thresholds: np.ndarray):
    predicted = scores >= thresholds
    tp = (predicted & truth).sum(0)
    fp = (predicted & ~truth).sum(0)
    fn = (~predicted & truth).sum(0)
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / np.maximum(tp + fn, 1)
    f1 = np.where(tp > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-9), 0.0)
    return precision, recall, f1


def fit_thresholds(scores: np.ndarray, truth: np.ndarray, default: float) -> np.ndarray:
    """Per theme, the middle of the thresholds with the best dev F1 (default if no positives)."""
    chosen = []
    for j in range(scores.shape[1]):
        if not truth[:, j].any():
            chosen.append(default)
            continue
        f1s = np.array([prf(scores[:, [j]], truth[:, [j]], np.array([t]))[2][0] for t in GRID])
        best = GRID[f1s >= f1s.max() - 1e-9]
        chosen.append(float(np.median(best)))
    return np.array(chosen)


def to_document(record: dict) -> Document:
    return Document(source="bench", kind=DocumentKind.OTHER,
                    url="https://bench.invalid/" + record["id"].replace(":", "/"),
                    title=record["title"] or "(untitled)", summary=record["description"],
                    body_text=record["body_text"], fetched_at="2026-01-01T00:00:00+00:00",
                    parser_version="bench/1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--backend", default=None)
    parser.add_argument("--profile", default="wmca", choices=sorted(LABEL_FILES))
    args = parser.parse_args()
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    if args.backend:
        encoder_config = config.encoder.model_copy(update={"backend": args.backend})
        config = config.model_copy(update={"encoder": encoder_config})
    profile = load_profile(settings.config_dir, args.profile)
    encoder = load_encoder(config)
    records = load_theme_set(settings.samples_dir, settings.config_dir, args.profile)
    theme_ids = [t.id for t in profile.themes]
    truth = np.array([[t in r["themes"] for t in theme_ids] for r in records])
    dev = np.array([r["split"] == "dev" for r in records])
    test = ~dev

    model = build_theme_model(profile, encoder, config.themes)
    chunked = [chunk_document(to_document(r), config) for r in records]
    vectors = embed_texts([c.text for cs in chunked for c in cs], encoder, config)
    bounds = np.cumsum([len(cs) for cs in chunked])[:-1]
    scores = np.array([score_themes(v, model).scores for v in np.split(vectors, bounds)])

    titles = encoder.encode([r["title"] or "(untitled)" for r in records])
    names = encoder.encode([t.name for t in profile.themes])
    cosine = titles @ names.T
    base_grid = np.round(np.arange(-0.2, 0.9, 0.01), 2)
    base_f1 = [prf(cosine[test], truth[test], np.full(len(theme_ids), t))[2].mean()
               for t in base_grid]
    base_threshold = float(base_grid[int(np.argmax(base_f1))])

    if args.fit:
        fitted = fit_thresholds(scores[dev], truth[dev], config.themes.default_threshold)
        write_thresholds(settings.config_dir / config.themes.thresholds_file, profile.id,
                         dict(zip(theme_ids, fitted, strict=True)), int(dev.sum()))
        thresholds = fitted
    else:
        thresholds = np.array([config.themes.threshold(profile.id, t) for t in theme_ids])

    print(f"profile {profile.id}; labelled set: {len(records)} records, dev {int(dev.sum())}, "
          f"test {int(test.sum())} (encoder backend {config.encoder.backend})")
    _, _, base = prf(cosine[test], truth[test], np.full(len(theme_ids), base_threshold))
    _, _, flat = prf(scores[test], truth[test], np.full(len(theme_ids), 0.5))
    precision, recall, f1 = prf(scores[test], truth[test], thresholds)
    _, _, dev_f1 = prf(scores[dev], truth[dev], thresholds)
    print(f"\n{'theme':<17} {'n':>3} {'thr':>5} {'P':>5} {'R':>5} {'F1':>5}   "
          f"{'base F1':>7} {'head@0.5':>8}")
    for j, theme in enumerate(theme_ids):
        print(f"{theme:<17} {int(truth[test, j].sum()):>3} {thresholds[j]:>5.2f} "
              f"{precision[j]:>5.2f} {recall[j]:>5.2f} {f1[j]:>5.2f}   {base[j]:>7.2f} "
              f"{flat[j]:>8.2f}")
    print(f"\nmacro-F1 on test: head {f1.mean():.3f} | head@0.5 {flat.mean():.3f} | baseline "
          f"title-vs-name cosine {base.mean():.3f} (threshold {base_threshold} tuned on test)")
    print(f"macro-F1 on dev (thresholds fitted there): head {dev_f1.mean():.3f}")


def write_thresholds(path: Path, profile_id: str, values: dict, dev_size: int) -> None:
    """Replace one profile's section of the thresholds file; other profiles' values are kept."""
    existing = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    existing = existing or {}
    thresholds = {**(existing.get("thresholds") or {}),
                  profile_id: {theme: round(float(value), 2) for theme, value in values.items()}}
    dev_records = {**(existing.get("dev_records") or {}), profile_id: dev_size}
    lines = [
        "# Per-theme thresholds of the theme head, fitted by",
        "# `bench/eval_themes.py --profile P --fit` on the DEV split of the profile's labelled set",
        "# in bench/data (the test split is never used to fit). A fit rewrites only its own",
        "# profile's section. dev_records: the number of dev records each profile was fitted on.",
        "dev_records:",
        *[f"  {pid}: {size}" for pid, size in dev_records.items()],
        "thresholds:",
    ]
    for pid, by_theme in thresholds.items():
        lines.append(f"  {pid}:")
        lines.extend(f"    {theme}: {value:.2f}" for theme, value in by_theme.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
