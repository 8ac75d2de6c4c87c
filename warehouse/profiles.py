"""Authority profiles: the region, the Mayor and the priority themes, as data (YAML).

A broken profile fails before any work starts, with the file, the line (where YAML knows it)
and the field named.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


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

    @property
    def gazetteer(self) -> list[str]:
        return [*self.aliases, *self.councils, *self.places, *self.organisations, *self.mps]


class DigestOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    recipients: list[str] = Field(default_factory=list)
    max_items_per_section: int = Field(default=5, ge=1, le=50)
    lookback_days: int = Field(default=1, ge=1, le=31)


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
    """Read a YAML file, turning syntax errors into an error naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ProfileError(f"{path}: file not found") from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise ProfileError(f"{where}: invalid YAML: {problem}") from error


def _describe_validation_error(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: invalid profile"]
    for issue in error.errors():
        field = ".".join(str(part) for part in issue["loc"]) or "(top level)"
        lines.append(f"  field {field}: {issue['msg']}")
    return "\n".join(lines)


def load_profile(config_dir: Path, profile_id: str) -> Profile:
    path = profile_path(config_dir, profile_id)
    if not path.exists():
        known = ", ".join(available_profiles(config_dir)) or "none"
        raise ProfileError(f"unknown profile {profile_id!r} (no {path}); available: {known}")
    data = load_yaml_file(path)
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping at the top level")
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(_describe_validation_error(path, error)) from error
