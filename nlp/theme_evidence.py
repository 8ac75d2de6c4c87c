"""Source evidence for themes: what the source itself says a document is about.

GOV.UK items carry taxons (Document.tags) and organisations; written questions the answering
department (Document.organisations). config/theme_evidence.yaml maps organisations, and
config/govuk_taxon_themes.yaml taxon titles, to a profile's themes by name. A theme named by a
document's source gets `logit_boost` added to its text logit (evidence shifts the odds, it does not
replace the text); a document the maps say nothing about keeps its text scores exactly, so the
text-only classifier stands alone for Hansard titles, feeds and `horizon classify` input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlp.config import load_yaml_mapping
from nlp.themes import ThemeMatch
from warehouse.records import Document

EVIDENCE_FILE = "theme_evidence.yaml"
TAXON_FILE = "govuk_taxon_themes.yaml"


def name_key(name: str) -> str:
    """Case, '&' vs 'and', punctuation and spacing do not matter."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.lower().replace("&", " and ")).split())


@dataclass(frozen=True)
class SourceEvidence:
    """A profile's maps from source fields to its theme ids (name keys)."""

    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    logit_boost: float = 0.0

    def themes_of(self, organisations: Iterable[str], tags: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for name in organisations:
            found.update(self.organisations.get(name_key(name), ()))
        for name in tags:
            found.update(self.tags.get(name_key(name), ()))
        return found


def _keyed(mapping: dict, theme_ids: set[str], where: str) -> dict[str, tuple[str, ...]]:
    keyed = {}
    for name, themes in (mapping or {}).items():
        unknown = set(themes) - theme_ids
        if unknown:
            raise ValueError(f"{where}: {name!r} maps to unknown themes {sorted(unknown)}")
        keyed[name_key(str(name))] = tuple(themes)
    return keyed


def load_source_evidence(config_dir: Path, profile_id: str, theme_ids: Sequence[str],
                         evidence_file: str = EVIDENCE_FILE) -> SourceEvidence:
    """The profile's evidence maps; empty (text only) without a file or a section for it."""
    path = config_dir / evidence_file if evidence_file else None
    if path is None or not path.is_file():
        return SourceEvidence()
    evidence = load_yaml_mapping(path)
    taxons = load_yaml_mapping(config_dir / TAXON_FILE) if (config_dir / TAXON_FILE).is_file() \
        else {}
    known = set(theme_ids)
    return SourceEvidence(
        tags=_keyed(taxons.get(profile_id) or {}, known, f"{TAXON_FILE} {profile_id}"),
        organisations=_keyed(evidence.get(profile_id) or {}, known,
                             f"{evidence_file} {profile_id}"),
        logit_boost=float(evidence.get("logit_boost", 0.0)),
    )


def with_source_evidence(scores: np.ndarray, theme_ids: Sequence[str], themes: set[str],
                         boost: float) -> np.ndarray:
    """Scores with `boost` added to the logit of each theme the source names."""
    if not themes or boost == 0.0:
        return scores
    named = np.array([theme in themes for theme in theme_ids])
    p = np.clip(scores.astype(np.float64), 1e-6, 1 - 1e-6)
    logits = np.log(p / (1 - p)) + boost * named
    return np.where(named, 1.0 / (1.0 + np.exp(-logits)), scores).astype(scores.dtype)


def match_with_evidence(match: ThemeMatch, document: Document, evidence: SourceEvidence,
                        theme_ids: Sequence[str]) -> ThemeMatch:
    """The document's theme match with its source's evidence applied (unchanged without any)."""
    themes = evidence.themes_of(document.organisations, document.tags)
    scores = with_source_evidence(match.scores, theme_ids, themes, evidence.logit_boost)
    return match if scores is match.scores else ThemeMatch(scores, match.best_chunks)
