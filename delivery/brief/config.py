"""Settings of the brief builder, read from config/brief.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Retrieval(_Frozen):
    limit: int = Field(default=20, ge=1, le=200)
    min_dense_score: float = Field(default=0.3, ge=0, le=1)
    min_documents: int = Field(default=1, ge=1)


class Sentences(_Frozen):
    per_document: int = Field(default=14, ge=1)
    min_words: int = Field(default=6, ge=1)
    max_words: int = Field(default=70, ge=2)


class Weights(_Frozen):
    topic: float = 0.6
    recency: float = 0.15
    region: float = 0.25


class BottomLine(_Frozen):
    max: int = Field(default=5, ge=1)
    min: int = Field(default=3, ge=1)
    mmr_lambda: float = Field(default=0.7, ge=0, le=1)
    weights: Weights = Field(default_factory=Weights)
    min_topic: float = Field(default=0.2, ge=0, le=1)


class Sections(_Frozen):
    timeline_max: int = 12
    parliament_max: int = 6
    figures_max: int = 10
    money_max: int = 6


class BriefConfig(_Frozen):
    retrieval: Retrieval = Field(default_factory=Retrieval)
    sentences: Sentences = Field(default_factory=Sentences)
    bottom_line: BottomLine = Field(default_factory=BottomLine)
    sections: Sections = Field(default_factory=Sections)


def load_brief_config(config_dir: Path) -> BriefConfig:
    path = config_dir / "brief.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return BriefConfig.model_validate(data or {})
