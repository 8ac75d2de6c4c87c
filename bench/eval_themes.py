"""Theme heads across sources: per-theme P/R/F1, macro-F1 and calibration error, in one run.

    .venv/bin/python -m bench.eval_themes [--profile wmca|cpca|all] [--per-theme]

Data (each figure says which):
  - devsets: ../shared/devsets/policy_topics_dev.jsonl, third-party labels (Manifesto Project,
    TheyWorkForYou, UK Web Archive) mapped to the profile's themes by label name. Its "test" split
    (nlp/theme_data.split_of) was never used to fit a weight, a calibration or a threshold.
  - recorded samples: ../shared/samples GOV.UK content items (labels from their taxons by name,
    or by us) and other real samples, from tests/support/themeset.py. EVALUATION ONLY: nothing
    is fitted or chosen on them. Scored as title only and as full text.
  - own set: the hand-written texts of bench/data (written and labelled by us).

Models, all in the same run:
  - baseline: cosine of title vs theme name, ONE threshold tuned on the evaluated set itself;
  - old heads: heads fitted on the profile phrases, thresholds from config/theme_thresholds.yaml;
  - new heads: the committed config/theme_heads/<profile>.json (devset fit+cal rows + phrases),
    "+tent." adds the tentative best theme as `horizon classify` outputs it;
  - cross-source folds, fitted here: A = fit on manifesto + web-archive rows, test on motions,
    TWFY policy descriptions and the GOV.UK samples; B = the other way round.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import numpy as np

from nlp.chunking import chunk_document
from nlp.config import load_nlp_config
from nlp.encoder import load_encoder
from nlp.enrich import embed_texts
from nlp.kit import load_theme_model
from nlp.theme_data import (
    DevRow,
    labelled_rows,
    profile_devset,
    split_of,
    title_views,
    truth_matrix,
)
from nlp.theme_evidence import load_source_evidence, with_source_evidence
from nlp.theme_fit import (
    FitSettings,
    expected_calibration_error,
    fit_profile_heads,
    heads_from_json,
    prf,
)
from nlp.themes import (
    build_theme_model,
    document_vector,
    tentative_theme,
    theme_probabilities,
)
from tests.support.themeset import load_theme_set
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.records import Document, DocumentKind

# The heads committed before the genre work (issue 13, first pass: devset full texts only).
PREVIOUS_HEADS_REVISION = "13024f2"
MANIFESTO_ARCHIVE = {"CMP-UK-manifestos", "UKWA-collections"}
MOTIONS = {"TWFY-policy-motions", "TWFY-policy-descriptions", "CMP-hand-annotated-motions"}


def to_document(record: dict) -> Document:
    return Document(source="bench", kind=DocumentKind.OTHER,
                    url="https://bench.invalid/" + record["id"].replace(":", "/"),
                    title=record["title"] or "(untitled)", summary=record["description"],
                    body_text=record["body_text"], fetched_at="2026-01-01T00:00:00+00:00",
                    parser_version="bench/1")


def full_text_vectors(records: list[dict], encoder, config) -> list[np.ndarray]:
    chunked = [chunk_document(to_document(r), config) for r in records]
    vectors = embed_texts([c.text for cs in chunked for c in cs], encoder, config)
    return np.split(vectors, np.cumsum([len(cs) for cs in chunked])[:-1])


def doc_vectors(chunks: list[np.ndarray]) -> np.ndarray:
    return np.stack([document_vector(v) for v in chunks])


def unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def with_tentative(scores: np.ndarray, thresholds: np.ndarray, config) -> np.ndarray:
    """Predictions as `horizon classify` gives them: above threshold, or the tentative best."""
    predicted = scores >= thresholds
    for i, row in enumerate(scores):
        best = tentative_theme(row, thresholds, config.themes)
        if best is not None:
            predicted[i, best] = True
    return predicted


def metrics(predicted: np.ndarray, truth: np.ndarray):
    return prf(predicted.astype(float), truth, np.full(truth.shape[1], 0.5))


def macro(values: np.ndarray, truth: np.ndarray) -> float:
    """Mean over the themes that have at least one positive in the set."""
    present = truth.any(axis=0)
    return float(values[present].mean()) if present.any() else 0.0


class Evaluator:
    def __init__(self, profile, encoder, config, settings) -> None:
        self.profile, self.encoder, self.config, self.settings = profile, encoder, config, settings
        self.theme_ids = [t.id for t in profile.themes]
        self.names = unit(encoder.encode([t.name for t in profile.themes]))
        self.boost = 0.0
        self.lines: list[str] = []
        self.per_theme: list[str] = []

    def row(self, label: str, data: str, vectors: np.ndarray, titles: np.ndarray,
            truth: np.ndarray, models: list[tuple[str, object]],
            evidence: list[set[str]] | None = None) -> None:
        """One line: n, then macro-F1 per model (ECE of calibrated ones), per-theme kept.
        `evidence`: per text, the themes its source names (nlp/theme_evidence.py)."""
        cosine = titles @ self.names.T
        grid = np.round(np.arange(-0.2, 0.9, 0.01), 2)
        base = max(macro(metrics(cosine >= t, truth)[2], truth) for t in grid)
        cells = [f"{base:5.3f}"]
        for name, model in models:
            scores = theme_probabilities(vectors, model)
            if evidence is not None:
                scores = np.stack([with_source_evidence(row, self.theme_ids, named, self.boost)
                                   for row, named in zip(scores, evidence, strict=True)])
            thresholds = np.array([model.threshold(i, self.config.themes)
                                   for i in range(len(self.theme_ids))])
            plain = metrics(scores >= thresholds, truth)
            tent = metrics(with_tentative(scores, thresholds, self.config), truth)
            ece = expected_calibration_error(scores, truth)
            cells.append(f"{macro(plain[2], truth):5.3f} {macro(tent[2], truth):5.3f} {ece:5.3f}")
            self.per_theme.append(self._theme_table(f"{label} [{data}] {name} (+tentative)",
                                                    tent, truth))
        self.lines.append(f"{label:<34} {data:<9} {len(truth):>5}  " + "   ".join(cells))

    def _theme_table(self, title: str, result, truth: np.ndarray) -> str:
        precision, recall, f1 = result
        lines = [title, f"  {'theme':<18} {'n':>4} {'P':>5} {'R':>5} {'F1':>5}"]
        for j, theme in enumerate(self.theme_ids):
            lines.append(f"  {theme:<18} {int(truth[:, j].sum()):>4} {precision[j]:5.2f} "
                         f"{recall[j]:5.2f} {f1[j]:5.2f}")
        lines.append(f"  {'macro (themes n>0)':<18} {'':>4} {macro(precision, truth):5.2f} "
                     f"{macro(recall, truth):5.2f} {macro(f1, truth):5.2f}")
        return "\n".join(lines)


def previous_heads(profile_id: str):
    """The committed heads file at PREVIOUS_HEADS_REVISION (None when git cannot show it)."""
    try:
        text = subprocess.run(
            ["git", "show", f"{PREVIOUS_HEADS_REVISION}:config/theme_heads/{profile_id}.json"],
            cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
            check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return heads_from_json(text)[0]


def fold_heads(profile, encoder, rows: list[DevRow], sources: set[str], no_negatives, settings):
    """Heads fitted here on the fit/cal rows of `sources` only (their test rows unused)."""
    chosen = [r for r in rows if r.source in sources and split_of(r.id) != "test"]
    data = labelled_rows(chosen, [t.id for t in profile.themes], encoder, no_negatives,
                         settings.out_dir / "cache", with_titles=True)
    return fit_profile_heads(profile, encoder, data, FitSettings(), {}).model


def evaluate(profile_id: str, settings: Settings, config, encoder, show_themes: bool) -> None:
    profile = load_profile(settings.config_dir, profile_id)
    ev = Evaluator(profile, encoder, config, settings)
    theme_ids = ev.theme_ids
    old = build_theme_model(profile, encoder, config.themes)
    with_heads = config.model_copy(update={"themes": config.themes.model_copy(
        update={"heads_dir": config.themes.heads_dir or "theme_heads"})})
    new = load_theme_model(profile, encoder, with_heads, settings.config_dir)
    if new.thresholds is None:
        print(f"{profile_id}: no fitted heads for this encoder in config/theme_heads; "
              "run `horizon themes fit`")
        return
    devset = profile_devset(settings.config_dir, settings.devsets_dir, profile_id)
    rows, no_negatives = devset.rows, devset.no_negatives
    vectors = labelled_rows(rows, theme_ids, encoder, no_negatives,
                            settings.out_dir / "cache").vectors
    truth = truth_matrix([r.themes for r in rows], theme_ids)
    fold_a = fold_heads(profile, encoder, rows, MANIFESTO_ARCHIVE, no_negatives, settings)
    fold_b = fold_heads(profile, encoder, rows, MOTIONS, no_negatives, settings)

    records = load_theme_set(settings.samples_dir, settings.config_dir, profile_id)
    chunks = full_text_vectors(records, encoder, config)
    full = doc_vectors(chunks)
    titles = unit(encoder.encode([r["title"] or "(untitled)" for r in records]))
    sample_truth = truth_matrix([r["themes"] for r in records], theme_ids)
    govuk = np.array([r["id"].startswith("govuk:") for r in records])
    real = np.array([":" in r["id"] for r in records])  # samples carry a "kind:" prefix
    own = ~real

    previous = previous_heads(profile_id)
    standard = [("old heads", old),
                *([("prev. fit", previous)] if previous is not None else []),
                ("new heads", new)]
    ev.boost = load_source_evidence(settings.config_dir, profile_id, theme_ids).logit_boost
    evidence = [load_source_evidence(settings.config_dir, profile_id, theme_ids).themes_of(
        r["organisations"], r["tags"]) for r in records]
    test = np.array([split_of(r.id) == "test" for r in rows])
    by_source = lambda sources: np.array([r.source in sources for r in rows])  # noqa: E731
    print(f"\n=== profile {profile_id}: devset {len(rows)} rows (test split {int(test.sum())}), "
          f"recorded samples {int(real.sum())} ({int(govuk.sum())} GOV.UK), own set "
          f"{int(own.sum())}; encoder {encoder.version}")
    print(f"{'set (data)':<34} {'input':<9} {'n':>5}  {'base':>5}   "
          + "   ".join(f"{name + ' F1 +tent ECE':<17}" for name, _ in standard))
    for label, where in (("devset test split, all", test),
                         ("devset test, manifesto+archive", test & by_source(MANIFESTO_ARCHIVE)),
                         ("devset test, motions+TWFY desc", test & by_source(MOTIONS))):
        ev.row(label, "devsets", vectors[where], vectors[where], truth[where], standard)
    titled = [r for r in rows if split_of(r.id) == "test" and r.title and r.title != r.text]
    title_vectors = labelled_rows(title_views(titled), theme_ids, encoder, no_negatives,
                                  settings.out_dir / "cache").vectors
    ev.row("devset test, titles of titled rows", "title", title_vectors, title_vectors,
           truth_matrix([r.themes for r in titled], theme_ids), standard)
    for label, where in (("GOV.UK samples", govuk), ("all recorded samples", real)):
        ev.row(label, "title", titles[where], titles[where], sample_truth[where], standard)
        ev.row(label, "full", full[where], titles[where], sample_truth[where], standard)
    for label, where in (("GOV.UK + source evidence", govuk),
                         ("all recorded + source evidence", real)):
        named = [evidence[i] for i in np.flatnonzero(where)]
        ev.row(label, "title", titles[where], titles[where], sample_truth[where], standard, named)
        ev.row(label, "full", full[where], titles[where], sample_truth[where], standard, named)
    hand = govuk & np.array([not r["from_taxons"] for r in records])
    named = [evidence[i] for i in np.flatnonzero(hand)]
    for data, inputs in (("title", titles), ("full", full)):
        ev.row("GOV.UK hand-labelled, no evidence", data, inputs[hand], titles[hand],
               sample_truth[hand], standard)
        ev.row("GOV.UK hand-labelled + evidence", data, inputs[hand], titles[hand],
               sample_truth[hand], standard, named)
    ev.row("own hand-written set", "full", full[own], titles[own], sample_truth[own], standard)

    ev.lines.append(f"\ncross-source folds (heads fitted in this run; {'fold':<6} F1 +tent ECE)")
    motions = by_source(MOTIONS)
    archive = by_source(MANIFESTO_ARCHIVE)
    ev.row("A: fit manif.+archive -> motions", "devsets", vectors[motions], vectors[motions],
           truth[motions], [("fold A", fold_a)])
    ev.row("A: -> GOV.UK samples", "title", titles[govuk], titles[govuk], sample_truth[govuk],
           [("fold A", fold_a)])
    ev.row("A: -> GOV.UK samples", "full", full[govuk], titles[govuk], sample_truth[govuk],
           [("fold A", fold_a)])
    ev.row("B: fit motions -> manif.+archive", "devsets", vectors[archive], vectors[archive],
           truth[archive], [("fold B", fold_b)])
    ev.row("B: -> GOV.UK samples", "title", titles[govuk], titles[govuk], sample_truth[govuk],
           [("fold B", fold_b)])
    print("\n".join(ev.lines))
    print(f"\nsource evidence: organisations and taxons -> themes (config/theme_evidence.yaml, "
          f"logit +{ev.boost}); {sum(bool(e) for e in evidence)} of {len(records)} records have "
          "some. GOV.UK items labelled from their taxons are circular with taxon evidence, so "
          "the hand-labelled rows leave them out.")
    print("\nbase: title-vs-theme-name cosine, one threshold tuned on that set itself; F1: "
          "above threshold; +tent: with the tentative best theme; ECE: calibration error over "
          "(text, theme) pairs, 10 bins")
    wanted = [t for t in ev.per_theme if show_themes or "new heads" in t.split("\n")[0]]
    print("\n" + "\n\n".join(wanted))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="all", choices=["all", "wmca", "cpca"])
    parser.add_argument("--per-theme", action="store_true",
                        help="per-theme tables of every model, not only the new heads")
    args = parser.parse_args()
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    encoder = load_encoder(config)
    for profile_id in (["wmca", "cpca"] if args.profile == "all" else [args.profile]):
        evaluate(profile_id, settings, config, encoder, args.per_theme)


if __name__ == "__main__":
    main()
