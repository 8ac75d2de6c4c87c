"""What office labels buy: heads refitted after an office labels 50, 200 and 500 items.

    .venv/bin/python bench/feedback_curve.py [--profile wmca|cpca] [--steps 0,50,200,500]

Simulation on the development set (../shared/devsets, third-party labels; no GOV.UK data):
  - the model before any feedback is fitted on the manifesto rows only (fit/cal splits);
  - the "office" labels items drawn in a fixed random order from the fit/cal rows of the other
    sources (web-archive descriptions, Commons motions, TWFY policy descriptions): a genre the
    model has not seen, as GOV.UK pages are;
  - after each step the heads, calibration and thresholds are refitted on manifesto + office rows
    (nlp/theme_fit.py, as `horizon themes refit` would) and scored on the TEST rows of those other
    sources, which no step ever labels or fits on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.config import load_nlp_config
from nlp.encoder import load_encoder
from nlp.theme_data import DEVSET_FILE, labelled_rows, load_devset, profile_mapping, split_of
from nlp.theme_fit import FitSettings, Labelled, fit_profile_heads, prf
from nlp.themes import theme_probabilities
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings

BASE_SOURCES = {"CMP-UK-manifestos"}


def subset(data: Labelled, where: np.ndarray) -> Labelled:
    return Labelled(data.vectors[where], data.truth[where], data.mask[where], data.is_cal[where])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="wmca", choices=["wmca", "cpca"])
    parser.add_argument("--steps", default="0,50,200,500")
    args = parser.parse_args()
    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    encoder = load_encoder(config)
    profile = load_profile(settings.config_dir, args.profile)
    theme_ids = [t.id for t in profile.themes]
    mapping, no_negatives = profile_mapping(settings.config_dir, profile.id)
    rows = load_devset(settings.devsets_dir / DEVSET_FILE, mapping)
    data = labelled_rows(rows, theme_ids, encoder, no_negatives, settings.out_dir / "cache")
    base = np.array([r.source in BASE_SOURCES for r in rows])
    test = np.array([split_of(r.id) == "test" for r in rows])
    pool = np.flatnonzero(~base & ~test)
    np.random.default_rng(0).shuffle(pool)
    held = ~base & test
    truth = data.truth[held]
    present = truth.any(axis=0)
    print(f"profile {profile.id} (devsets): base fit on {int((base & ~test).sum())} manifesto "
          f"rows; office pool {len(pool)} rows of other sources; scored on {int(held.sum())} "
          "held-aside test rows of those sources")
    print(f"{'labels':>6} {'macro-F1':>8} {'recall':>6}  " + " ".join(f"{t[:9]:>9}"
                                                                  for t in theme_ids))
    for step in [int(s) for s in args.steps.split(",")]:
        chosen = np.zeros(len(rows), dtype=bool)
        chosen[base & ~test] = True
        chosen[pool[:step]] = True
        heads = fit_profile_heads(profile, encoder, subset(data, chosen), FitSettings(), {})
        scores = theme_probabilities(data.vectors[held], heads.model)
        _, recall, f1 = prf(scores, truth, heads.thresholds)
        label = f"{min(step, len(pool))}"
        print(f"{label:>6} {f1[present].mean():8.3f} {recall[present].mean():6.3f}  "
              + " ".join(f"{r:9.2f}" if p else f"{'-':>9}" for r, p in zip(recall, present,
                                                                          strict=True)),
              flush=True)
    print("per-theme columns: recall on the held-aside rows ('-': no positives there)")


if __name__ == "__main__":
    main()
