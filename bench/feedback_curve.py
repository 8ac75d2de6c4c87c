"""What office labels buy: heads refitted by the real `horizon themes refit` path after an office
labels 50, 200 and 500 items.

    .venv/bin/python -m bench.feedback_curve [--profile wmca|cpca] [--steps 0,50,200,500]
                                             [--office shown|full]

Simulation on the development set (../shared/devsets, third-party labels; no GOV.UK data):
  - the heads before any feedback are fitted on the manifesto rows only (fit/cal splits);
  - the items the office sees are the fit/cal rows of the other sources (web-archive
    descriptions, Commons motions, TWFY policy descriptions), in a fixed random order: a genre
    the heads have not seen, as GOV.UK pages are. Each item is a document in an in-memory
    warehouse with its vector stored as its one chunk, as the enrichment stores it;
  - the office judges each item as the digest shows it (`--office shown`, the default): "right
    theme" (yes) or "wrong theme" (no) on the theme the current heads rank first, "not relevant"
    when the item has none of the profile's themes. `--office full` is the upper bound of a
    diligent office: yes on every true theme, no on every other one it can judge;
  - the labels go into the warehouse's labels table and the heads are refitted by
    flows/tasks/theme_refit.refit_profile (labels -> fitting rows on the stored vectors -> heads,
    calibration and thresholds on manifesto + office rows -> a new model version), as the
    command does; only the base data differ (manifesto rows, not the whole devset);
  - after each refit the heads are scored on the TEST rows of those other sources, which no
    step ever labels or fits on: macro-F1 and per-theme recall.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

import numpy as np

from flows.tasks.theme_refit import refit_profile
from nlp.config import load_nlp_config
from nlp.encoder import load_encoder
from nlp.theme_data import DEVSET_FILE, devset_version, labelled_rows, profile_devset, split_of
from nlp.theme_fit import FitSettings, Labelled, fit_profile_heads, prf, stack_labelled
from nlp.themes import theme_probabilities
from warehouse.config.profiles import load_profile
from warehouse.config.settings import Settings
from warehouse.db import connect
from warehouse.labels import save_label
from warehouse.records import Chunk, Document, DocumentKind, Enrichment
from warehouse.save import save_documents, save_enrichments

BASE_SOURCES = {"CMP-UK-manifestos"}
START = datetime(2026, 1, 1, tzinfo=UTC)


def subset(data: Labelled, where: np.ndarray) -> Labelled:
    return Labelled(data.vectors[where], data.truth[where], data.mask[where], data.is_cal[where])


def pool_warehouse(rows, data: Labelled, pool: np.ndarray, profile_id: str):
    """An in-memory warehouse holding the office's items as documents with their vectors."""
    con = connect(":memory:")
    documents = [Document(source="devset", kind=DocumentKind.NEWS, parser_version="bench/1",
                          url=f"https://devset.invalid/{rows[i].id}", title=rows[i].text[:200],
                          fetched_at=START) for i in pool]
    save_documents(con, documents)
    save_enrichments(con, [Enrichment(document_id=d.id, chunks=[Chunk.of(d.id, 0, d.title)],
                                      embeddings=[data.vectors[i].tolist()], theme_scores=[],
                                      model_version="bench") for d, i in zip(documents, pool,
                                                                               strict=True)],
                     profile=profile_id, content_hashes={d.id: d.content_hash for d in documents})
    return con, [d.id for d in documents]


def office_verdicts(item: int, data: Labelled, scores: np.ndarray, mode: str
                    ) -> list[tuple[int, str]]:
    """(theme index, verdict) the simulated office records for one item shown with its best
    theme (the theme of an `irrelevant` verdict is the one shown; it counts against all)."""
    truth, mask = data.truth[item], data.mask[item]
    shown = int(np.argmax(scores))
    if not truth.any():
        return [(shown, "irrelevant")]
    if mode == "full":
        return [(j, "yes" if truth[j] else "no") for j in range(len(truth)) if mask[j]]
    return [(shown, "yes" if truth[shown] else "no")] if mask[shown] else []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="wmca", choices=["wmca", "cpca"])
    parser.add_argument("--steps", default="0,50,200,500")
    parser.add_argument("--office", default="shown", choices=["shown", "full"])
    args = parser.parse_args()

    settings = Settings()
    config = load_nlp_config(settings.config_dir)
    encoder = load_encoder(config)
    profile = load_profile(settings.config_dir, args.profile)
    theme_ids = [t.id for t in profile.themes]
    devset = profile_devset(settings.config_dir, settings.devsets_dir, profile.id)
    rows = devset.rows
    data = labelled_rows(rows, theme_ids, encoder, devset.no_negatives,
                         settings.out_dir / "cache")
    base = np.array([r.source in BASE_SOURCES for r in rows])
    test = np.array([split_of(r.id) == "test" for r in rows])
    pool = np.flatnonzero(~base & ~test)
    np.random.default_rng(0).shuffle(pool)
    held = ~base & test
    truth = data.truth[held]
    present = truth.any(axis=0)
    base_data = subset(data, base & ~test)
    con, pool_ids = pool_warehouse(rows, data, pool, profile.id)
    meta = {"devset": f"{DEVSET_FILE} {devset_version(devset.path)}"}

    def fit(office: Labelled | None):
        combined = base_data if office is None else stack_labelled(base_data, office)
        return fit_profile_heads(profile, encoder, combined, FitSettings(), meta)

    print(f"profile {profile.id} (devsets), office judges {args.office!r}: base fit on "
          f"{int((base & ~test).sum())} manifesto rows; office pool {len(pool)} items of other "
          f"sources; scored on {int(held.sum())} held-aside test rows of those sources")
    print(f"{'items':>5} {'labels':>6} {'macro-F1':>8} {'recall':>6}  "
          + " ".join(f"{t[:9]:>9}" for t in theme_ids))
    heads, labelled, labels = fit(None), 0, 0
    for step in [min(int(s), len(pool)) for s in args.steps.split(",")]:
        if step > labelled:
            shown = theme_probabilities(data.vectors[pool[labelled:step]], heads.model)
            for offset, item in enumerate(range(labelled, step)):
                for theme, verdict in office_verdicts(pool[item], data, shown[offset],
                                                      args.office):
                    labels += 1
                    save_label(con, document_id=pool_ids[item], profile=profile.id,
                               theme=theme_ids[theme],
                               verdict=verdict, who="simulated office", via="bench",
                               now=START + timedelta(minutes=labels))
            labelled = step
            heads, _ = refit_profile(con, profile, fit, datetime.now(UTC))
        scores = theme_probabilities(data.vectors[held], heads.model)
        _, recall, f1 = prf(scores, truth, heads.thresholds)
        print(f"{labelled:>5} {labels:>6} {f1[present].mean():8.3f} {recall[present].mean():6.3f}  "
              + " ".join(f"{r:9.2f}" if p else f"{'-':>9}" for r, p in zip(recall, present,
                                                                          strict=True)),
              flush=True)
    print("per-theme columns: recall on the held-aside rows ('-': no positives there); "
          "macro-F1 and recall: mean over the themes with positives")


if __name__ == "__main__":
    main()
