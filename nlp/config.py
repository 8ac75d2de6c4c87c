"""NLP settings (config/nlp.yaml): encoder, chunking and theme-score calibration, as a typed model.

A broken file fails before any model loads, with the file and the field named.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

NLP_CONFIG_FILENAME = "nlp.yaml"


class NlpConfigError(ValueError):
    """An NLP settings file that cannot be used, with where and why."""


class EncoderConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    package: str = Field(min_length=1)  # importable package shipping the weights
    name: str = Field(min_length=1)
    dimension: int = Field(gt=0)
    batch_size: int = Field(default=32, ge=1, le=1024)
    max_seq_tokens: int = Field(default=256, ge=8, le=8192)
    device: str = "cpu"


class ChunkingConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    target_words: int = Field(default=180, ge=10)
    max_words: int = Field(default=220, ge=10)
    min_words: int = Field(default=120, ge=1)
    overlap_sentences: int = Field(default=1, ge=0, le=5)
    max_chunks: int = Field(default=64, ge=1)
    max_body_chars: int = Field(default=2_000_000, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> ChunkingConfig:
        if not self.min_words <= self.target_words <= self.max_words:
            raise ValueError("need min_words <= target_words <= max_words")
        return self


class ThemeScoringConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    chunk_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    phrase_weight: float = Field(default=0.4, ge=0.0, le=1.0)
    relative_weight: float = Field(default=1.0, ge=0.0, le=3.0)
    midpoint: float = Field(default=0.5, ge=-1.0, le=1.0)
    steepness: float = Field(default=12.0, gt=0.0)
    default_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    evidence_max_chunks: int = Field(default=3, ge=1)
    evidence_max_sentences: int = Field(default=12, ge=1)
    evidence_max_chars: int = Field(default=400, ge=20)

    @model_validator(mode="after")
    def _thresholds_in_range(self) -> ThemeScoringConfig:
        for profile_id, by_theme in self.thresholds.items():
            for theme_id, value in by_theme.items():
                if not 0.0 <= value <= 1.0:
                    raise ValueError(
                        f"thresholds.{profile_id}.{theme_id} must be between 0 and 1, got {value}"
                    )
        return self

    def threshold(self, profile_id: str, theme_id: str) -> float:
        return self.thresholds.get(profile_id, {}).get(theme_id, self.default_threshold)


class NlpConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    model_version: str = Field(min_length=1)
    encoder: EncoderConfig
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    themes: ThemeScoringConfig = Field(default_factory=ThemeScoringConfig)


def _describe(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: invalid NLP settings"]
    for issue in error.errors():
        field = ".".join(str(part) for part in issue["loc"]) or "(top level)"
        lines.append(f"  field {field}: {issue['msg']}")
    return "\n".join(lines)


def load_nlp_config_file(path: Path) -> NlpConfig:
    """Read and validate one NLP settings file; errors name the file, line or field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise NlpConfigError(f"{path}: file not found") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or error
        raise NlpConfigError(f"{where}: invalid YAML: {problem}") from error
    if not isinstance(data, dict):
        raise NlpConfigError(f"{path}: expected a mapping at the top level")
    try:
        return NlpConfig.model_validate(data)
    except ValidationError as error:
        raise NlpConfigError(_describe(path, error)) from error


def load_nlp_config(config_dir: Path) -> NlpConfig:
    """The project's NLP settings: `<config_dir>/nlp.yaml` (Settings().config_dir)."""
    return load_nlp_config_file(config_dir / NLP_CONFIG_FILENAME)
