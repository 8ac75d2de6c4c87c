"""`horizon themes` (list, from flows/cli/themes.py) and `horizon themes fit`: fit each profile's
theme heads on the development set (issue 13); `horizon themes refit`: refit them on the office's
labels too and re-score stored documents (flows/tasks/theme_refit.py); `horizon label`: an office
judgement.

Reads ../shared/devsets (HORIZON_DEVSETS_DIR) and writes config/theme_heads/<profile>.json: the
calibrated head weights, per-theme thresholds and the data version; never any text. A clone
without ../shared runs on the committed file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import errors, fail

themes_app = typer.Typer(help="Each profile's themes; `horizon themes fit` fits their heads.",
                         invoke_without_command=True)


@themes_app.callback()
def themes_list(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option(
        help="Only this profile (default: every profile in config/profiles/).")] = None,
) -> None:
    """List each profile's themes: the id and the display name (--theme takes either)."""
    if ctx.invoked_subcommand is None:
        from flows.cli.themes import themes

        themes(profile=profile)


@themes_app.command("fit")
def fit(
    profile: Annotated[list[str] | None, typer.Option(
        help="Profile to fit (repeatable; default: every profile the devset map covers).")] = None,
) -> None:
    """Fit each profile's theme heads on the devset; write config/theme_heads/<profile>.json."""
    from flows.tasks.enrich import encoder_for, nlp_config
    from nlp.theme_data import DEVSET_FILE, mapped_profiles
    from nlp.theme_fit import heads_to_json
    from warehouse.config.profiles import ProfileError, load_profile
    from warehouse.config.settings import Settings

    settings = Settings()
    devset = settings.devsets_dir / DEVSET_FILE
    if not devset.is_file():
        fail(f"development set not found: {devset} (set HORIZON_DEVSETS_DIR)")
    config = nlp_config(settings.config_dir)
    encoder = encoder_for(settings.config_dir)
    for profile_id in profile or mapped_profiles(settings.config_dir):
        try:
            chosen = load_profile(settings.config_dir, profile_id)
        except ProfileError as error:
            fail(str(error))
        heads = fit_devset_heads(chosen, encoder, settings, stamp=datetime.now(UTC))
        folder = settings.config_dir / (config.themes.heads_dir or "theme_heads")
        path = folder / f"{chosen.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(heads_to_json(heads), encoding="utf-8")
        errors.print(f"{chosen.id}: heads on {heads.meta['fit_rows']} rows, calibrated on "
                     f"{heads.meta['calibration_rows']} (ECE {heads.meta['calibration_ece']}); "
                     f"wrote {path}")


@themes_app.command("refit")
def refit(
    profile: Annotated[str | None, typer.Option(
        help="Profile to refit (default: HORIZON_PROFILE).")] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None,
) -> None:
    """Refit a profile's heads on the office's labels plus the devset; re-score stored documents."""
    from flows.runtime.lock import RunInProgress, warehouse_lock
    from flows.runtime.progress import progress_bar
    from flows.tasks.enrich import encoder_for, nlp_config
    from flows.tasks.theme_refit import RefitError, record_heads, refit_profile, rescore_stored
    from nlp.theme_data import DEVSET_FILE
    from warehouse.config.profiles import ProfileError, load_profile
    from warehouse.config.settings import Settings
    from warehouse.db import connect
    from warehouse.feedback_inbox import import_feedback, inbox_path
    from warehouse.rescore import scored_documents
    from warehouse.search.replica import publish_search_index, read_manifest, search_dir

    settings = Settings()
    config = nlp_config(settings.config_dir)
    try:
        chosen = load_profile(settings.config_dir, profile or settings.profile)
    except ProfileError as error:
        fail(str(error))
    if not config.themes.heads_dir:
        fail("fitted heads are off (themes.heads_dir is empty in config/nlp.yaml): the "
             "enrichment would not use refitted heads; set heads_dir: theme_heads first")
    devset = settings.devsets_dir / DEVSET_FILE
    if not devset.is_file():
        fail(f"development set not found: {devset} (set HORIZON_DEVSETS_DIR); a refit fits on "
             "it plus the office's labels, which alone are too few for every theme")
    path = db or settings.database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    encoder = encoder_for(settings.config_dir)
    stamp = datetime.now(UTC)
    heads_path = settings.config_dir / config.themes.heads_dir / f"{chosen.id}.json"
    try:
        with warehouse_lock(path), connect(path) as con:
            imported, unknown = import_feedback(con, inbox_path(path))
            if imported or unknown:
                errors.print(f"imported {imported} labels from the web feedback inbox" + (
                    f" ({unknown} on documents no longer stored)" if unknown else ""))
            heads, rows = refit_profile(
                con, chosen, lambda office: fit_devset_heads(chosen, encoder, settings,
                                                             stamp=stamp, extra=office), stamp)
            record_heads(con, heads, rows, heads_path, stamp)
            total = len(scored_documents(con, chosen.id))
            with progress_bar("Re-scoring stored documents", total) as advance:
                rescored = rescore_stored(con, heads.model, config, advance)
            if read_manifest(search_dir(path)):  # the search page shows the new themes
                published = publish_search_index(con, path).generation
                errors.print(f"search index generation {published} published")
    except (RefitError, RunInProgress) as error:
        fail(str(error))
    skipped = f" ({rows.without_vectors} labelled documents have no vectors)" \
        if rows.without_vectors else ""
    errors.print(f"{chosen.id}: {heads.meta['model_version']} learned from {rows.labels} office "
                 f"labels on {rows.documents} documents{skipped} plus {heads.meta['fit_rows']} "
                 f"fit rows; wrote {heads_path}; re-scored {rescored} stored documents")


def fit_devset_heads(profile, encoder, settings, *, stamp: datetime, extra=None):
    """Heads of one profile from the devset's fit and calibration rows (never its test rows)."""
    from nlp.theme_data import DEVSET_FILE, devset_version, labelled_rows, profile_devset, split_of
    from nlp.theme_fit import FitSettings, fit_profile_heads, stack_labelled

    devset = profile_devset(settings.config_dir, settings.devsets_dir, profile.id)
    rows = [row for row in devset.rows if split_of(row.id) != "test"]
    theme_ids = [theme.id for theme in profile.themes]
    data = labelled_rows(rows, theme_ids, encoder, devset.no_negatives,
                         settings.out_dir / "cache", with_titles=True)
    if extra is not None:
        data = stack_labelled(data, extra)
    version = devset_version(devset.path)
    meta = {"model_version": f"heads-{profile.id}-{stamp:%Y%m%d}-{version[7:15]}",
            "devset": f"{DEVSET_FILE} {version}", "fitted_at": stamp.isoformat(timespec="seconds"),
            "office_labels": 0 if extra is None else len(extra.vectors)}
    return fit_profile_heads(profile, encoder, data, FitSettings(), meta)


def label(
    document: Annotated[str, typer.Argument(help="Document id (UUID).")],
    theme: Annotated[str, typer.Argument(help="Theme id of the profile.")],
    verdict: Annotated[str, typer.Argument(help="yes | no | irrelevant")],
    profile: Annotated[str, typer.Option(help="Authority profile (config/profiles/).")] = "wmca",
    who: Annotated[str, typer.Option(help="Who judged it.")] = "office",
    db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None,
) -> None:
    """Record the office's judgement of a document's theme (yes, no or irrelevant)."""
    import uuid

    from warehouse.config.profiles import ProfileError, load_profile
    from warehouse.config.settings import Settings
    from warehouse.db import connect
    from warehouse.labels import VERDICTS, UnknownDocument, save_label

    settings = Settings()
    verdict = {"not-relevant": "irrelevant"}.get(verdict, verdict)
    if verdict not in VERDICTS:
        fail(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    try:
        chosen = load_profile(settings.config_dir, profile)
        document_id = uuid.UUID(document)
    except (ProfileError, ValueError) as error:
        fail(str(error))
    if theme not in {t.id for t in chosen.themes}:
        fail(f"profile {chosen.id} has no theme {theme!r}")
    path = db or settings.database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    with connect(path) as con:
        try:
            save_label(con, document_id=document_id, profile=chosen.id, theme=theme,
                       verdict=verdict, who=who)
        except UnknownDocument as error:
            fail(str(error))
    errors.print(f"labelled {document_id} {theme}: {verdict}")
