"""What `horizon run` checks before Prefect is imported or any work starts: the settings from
the environment, the profile and its sources. Prefect-free, so a bad --profile fails in a second.
"""

from __future__ import annotations

from pydantic import ValidationError

from warehouse.profiles import Profile, ProfileError, load_profile
from warehouse.settings import Settings, get_settings
from warehouse.sources import SourceConfig, load_sources


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


def check_run(profile: str, only_sources: list[str] | None) -> tuple[Settings, Profile,
                                                                     list[SourceConfig]]:
    """Settings, profile and sources of a run, or ProfileError / ValueError saying what is wrong."""
    settings = load_settings()
    active = load_profile(settings.config_dir, profile)
    return settings, active, resolve_sources(active, settings, only_sources)
