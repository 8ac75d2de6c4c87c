"""What `horizon run` checks before Prefect is imported or any work starts: the settings from
the environment, the profile and its sources. Prefect-free, so a bad --profile fails in a second.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from nlp.config import load_nlp_config, load_yaml_mapping
from scrapers.govuk.config import load_supergroups
from warehouse.config.profiles import Profile, ProfileError, load_profile
from warehouse.config.settings import Settings, get_settings
from warehouse.config.sources import SourceConfig, load_sources


def load_settings() -> Settings:
    """The settings, or ProfileError naming each bad HORIZON_* variable (one line)."""
    try:
        return get_settings()
    except ValidationError as error:
        fields = "; ".join(
            f"HORIZON_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        raise ProfileError(f"invalid setting in the environment or .env: {fields}") from error


def resolve_sources(
    profile: Profile, settings: Settings, only: list[str] | None
) -> list[SourceConfig]:
    configured = load_sources(settings.config_dir)
    unknown = [name for name in profile.sources if name not in configured]
    if unknown:
        raise ValueError(f"profile {profile.id!r} names unknown sources: {', '.join(unknown)}")
    names = only or profile.sources
    missing = [name for name in names if name not in profile.sources]
    if missing:
        raise ValueError(f"not sources of profile {profile.id!r}: {', '.join(missing)}")
    return [configured[name] for name in names]


def check_config_files(config_dir: Path) -> None:
    """Every config file a run reads later (NLP settings and the files they name, GOV.UK
    supergroups) loads: else NlpConfigError / ProfileError naming the file (and line)."""
    nlp = load_nlp_config(config_dir)
    for name in (nlp.places.entity_patterns_file, nlp.signals.lexicon_file,
                 nlp.funding.terms_file):
        load_yaml_mapping(config_dir / name)
    try:
        load_supergroups(config_dir)
    except ValidationError as error:
        raise ProfileError(f"{config_dir / 'govuk.yaml'}: {error.errors()[0]['msg']}") from error


def check_paths(db_path: Path, out_dir: Path) -> None:
    if db_path.is_dir():
        raise ValueError(f"the warehouse path {db_path} is a folder; give a file, e.g."
                         f" --db {db_path / 'horizon.duckdb'}")
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"the digest folder {out_dir} is a file; give a folder with --out")


def check_run(profile: str, only_sources: list[str] | None, db: Path | None = None,
              out: Path | None = None) -> tuple[Settings, Profile, list[SourceConfig]]:
    """Settings, profile, sources, config files and paths of a run, or ProfileError /
    ValueError saying what is wrong."""
    settings = load_settings()
    active = load_profile(settings.config_dir, profile)
    sources = resolve_sources(active, settings, only_sources)
    check_config_files(settings.config_dir)
    check_paths(db or settings.database_path, out or settings.out_dir)
    return settings, active, sources
