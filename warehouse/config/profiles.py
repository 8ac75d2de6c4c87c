"""Authority profiles: the region, the Mayor and the priority themes, as data (YAML).

A broken profile fails before any work starts, with the file, the line (where YAML knows it)
and the field named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from warehouse.config.yaml_file import describe_invalid, read_yaml


class ProfileError(ValueError):
    """A profile file that cannot be used, with where and why."""


class Theme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    examples: list[str] = Field(min_length=1)


class Region(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    aliases: list[str] = Field(default_factory=list)  # the authority's own names
    councils: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    organisations: list[str] = Field(default_factory=list)
    mps: list[str] = Field(default_factory=list)
    # Westminster seats lying in the region: who is "our MP" is resolved by constituency.
    constituencies: list[str] = Field(default_factory=list)

    @property
    def gazetteer(self) -> list[str]:
        return [*self.aliases, *self.councils, *self.places, *self.organisations, *self.mps]


class RankingWeights(BaseModel):
    """How the digest ranks items: a weighted sum of five scores, each in [0, 1]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: float = Field(default=0.35, ge=0)  # best theme score
    region: float = Field(default=0.20, ge=0)  # regional relevance from the enrichment
    signal: float = Field(default=0.20, ge=0)  # strength of the threat/opportunity signal
    urgency: float = Field(default=0.15, ge=0)  # 1 on the deadline day, 0 at the actions window
    novelty: float = Field(default=0.10, ge=0)  # 1 for a new document, 0.5 for a changed one


class DigestOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    recipients: list[str] = Field(default_factory=list)
    max_items_per_section: int = Field(default=5, ge=1, le=50)
    lookback_days: int = Field(default=1, ge=1, le=31)
    ranking: RankingWeights = Field(default_factory=RankingWeights)
    # Deadlines closing within this many days are listed under "Actions due".
    actions_window_days: int = Field(default=14, ge=1, le=90)
    # Region relevance (0-1) from which an off-theme item counts as about the region.
    region_threshold: float = Field(default=0.5, ge=0, le=1)
    # A day with nothing new sends nothing; with this on, it sends a one-line "quiet day" note.
    quiet_day_note: bool = False
    # A source whose newest stored item is older than this is reported as stale in the footer.
    stale_after_days: int = Field(default=7, ge=1, le=365)
    # Issue 11 (docs/digest.md): a hard cap on items, the rest one link away on the search page.
    max_items: int = Field(default=25, ge=5, le=200)
    search_url: str = "http://127.0.0.1:8000/"  # where `horizon web` serves the search page
    brief_items: int = Field(default=5, ge=0, le=5)  # "Today in brief" lines at the top
    # Documents published longer than this before the digest's day are stored, not listed
    # (a first run or backfill), unless their deadline is still open within the actions window.
    age_window_days: int = Field(default=14, ge=1, le=3650)
    # A deadline this close is sent as a reminder even on a day with nothing new.
    reminder_days: int = Field(default=3, ge=0, le=30)
    # Best theme score an item not about the region or local government needs to enter.
    theme_confidence: float = Field(default=0.5, ge=0, le=1)


class AlertOptions(BaseModel):
    """Funding alerts: which calls, to whom, on which channels, and when to remind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recipients: list[str] = Field(default_factory=list)  # empty: the digest's recipients
    channels: list[Literal["email", "teams", "slack"]] = Field(
        default_factory=lambda: ["email", "teams", "slack"])
    # Relevance threshold: max(best theme score, region score) a call must reach.
    min_relevance: float = Field(default=0.3, ge=0, le=1)
    min_amount_gbp: float | None = Field(default=None, ge=0)  # None: any amount, or unknown
    # Alert calls whose eligibility the enrichment could not tell (default: only eligible ones).
    include_unknown_eligibility: bool = False
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [14, 3])
    # Teams incoming webhooks: Workflows ("adaptive_card") or legacy connectors ("message_card").
    teams_format: Literal["adaptive_card", "message_card"] = "adaptive_card"
    # On the very first run, calls first seen this many hours ago count as new.
    first_run_lookback_hours: int = Field(default=24, ge=1)

    @field_validator("reminder_offsets_days")
    @classmethod
    def _positive_offsets(cls, offsets: list[int]) -> list[int]:
        if any(offset < 1 for offset in offsets):
            raise ValueError("reminder offsets are whole days before closing, at least 1")
        return sorted(set(offsets), reverse=True)


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    short_name: str
    mayor: str
    region: Region
    themes: list[Theme] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    digest: DigestOptions = Field(default_factory=DigestOptions)
    alerts: AlertOptions = Field(default_factory=AlertOptions)

    @field_validator("themes")
    @classmethod
    def _unique_theme_ids(cls, themes: list[Theme]) -> list[Theme]:
        ids = [theme.id for theme in themes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate theme ids: {', '.join(duplicates)}")
        return themes

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"profile {self.id!r} has no theme {theme_id!r}")


def profile_path(config_dir: Path, profile_id: str) -> Path:
    return config_dir / "profiles" / f"{profile_id}.yaml"


def available_profiles(config_dir: Path) -> list[str]:
    return sorted(path.stem for path in (config_dir / "profiles").glob("*.yaml"))


def load_yaml_file(path: Path) -> object:
    """A configuration file read by the one YAML loader; its errors are ProfileErrors."""
    return read_yaml(path, ProfileError)


def _mapping_items(node: yaml.Node | None, *keys: str) -> list[tuple[str, yaml.Node]]:
    """(key, value node) pairs of the mapping found under `keys` in a composed YAML tree."""
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return []
        node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(k.value), v) for k, v in node.value]


def check_theme_references(config_dir: Path, profile: Profile) -> None:
    """Theme ids other config files give for this profile (per-theme thresholds in nlp.yaml and
    its thresholds_file) must be the profile's own; ProfileError names file, line and field."""
    nlp_path = config_dir / "nlp.yaml"
    nlp = load_yaml_file(nlp_path) if nlp_path.exists() else None
    themes = nlp.get("themes") if isinstance(nlp, dict) else None
    fitted = themes.get("thresholds_file") if isinstance(themes, dict) else None
    places = [(nlp_path, ("themes", "thresholds"))]
    if isinstance(fitted, str) and (config_dir / fitted).exists():
        places.append((config_dir / fitted, ("thresholds",)))
    known = {theme.id for theme in profile.themes}
    problems = []
    for path, keys in places:
        load_yaml_file(path)  # syntax errors first, with their line
        tree = yaml.compose(path.read_text(encoding="utf-8"))
        for theme_id, node in _mapping_items(tree, *keys, profile.id):
            if theme_id not in known:
                line = node.start_mark.line + 1
                problems.append(f"{path}:{line}: field {'.'.join(keys)}.{profile.id}.{theme_id}:"
                                f" unknown theme id {theme_id!r} (profile {profile.id!r} has"
                                f" {', '.join(sorted(known))})")
    if problems:
        raise ProfileError("\n".join(problems))


def load_profile(config_dir: Path, profile_id: str) -> Profile:
    path = profile_path(config_dir, profile_id)
    if not path.exists():
        known = ", ".join(available_profiles(config_dir)) or "none"
        raise ProfileError(f"unknown profile {profile_id!r} (no {path}); available: {known}")
    data = load_yaml_file(path)
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping at the top level")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(describe_invalid(path, "profile", error)) from error
    check_theme_references(config_dir, profile)
    return profile
