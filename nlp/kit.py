"""Everything the enrichment needs for one profile, built once: theme head, gazetteer, lexicons.

Loading reads config files (lexicons, patterns) and fits the theme head with the injected encoder;
the spaCy tagger is optional (None: gazetteer only, as in the fast unit tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nlp.config import NlpConfig, load_yaml_mapping
from nlp.encoder import TextEncoder
from nlp.entities import EntityTagger, load_entity_tagger
from nlp.funding import FundingTerms, parse_funding_terms
from nlp.places import Gazetteer, build_gazetteer
from nlp.signals import SignalLexicon, parse_signal_lexicon
from nlp.theme_evidence import SourceEvidence, load_source_evidence
from nlp.theme_fit import heads_from_json
from nlp.themes import ThemeModel, build_theme_model
from warehouse.config.profiles import Profile


@dataclass(frozen=True)
class EnrichmentKit:
    profile: Profile
    themes: ThemeModel
    gazetteer: Gazetteer
    signals: SignalLexicon
    funding: FundingTerms
    authority: re.Pattern[str]  # the authority's own names and the Mayor's (for scrutiny)
    tagger: EntityTagger | None = None
    # Taxons and organisations -> themes (config/theme_evidence.yaml); empty: text only.
    evidence: SourceEvidence = field(default_factory=SourceEvidence)

    @property
    def region_names(self) -> list[str]:
        return [self.profile.region.name, *self.profile.region.gazetteer]


def authority_pattern(profile: Profile) -> re.Pattern[str]:
    names = sorted({*profile.region.aliases, profile.mayor, "the Mayor", "combined authority"},
                   key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


def load_theme_model(profile: Profile, encoder: TextEncoder, config: NlpConfig,
                     config_dir: Path) -> ThemeModel:
    """The committed fitted heads of the profile when made for this encoder and these themes,
    else heads fitted on the profile's phrases alone (a new profile works with phrases)."""
    if config.themes.heads_dir:
        path = config_dir / config.themes.heads_dir / f"{profile.id}.json"
        if path.is_file():
            model, meta = heads_from_json(path.read_text(encoding="utf-8"))
            if (meta.get("encoder") == encoder.version and model.dimension == encoder.dimension
                    and model.theme_ids == tuple(t.id for t in profile.themes)):
                return model
    return build_theme_model(profile, encoder, config.themes)


def build_kit(
    profile: Profile,
    encoder: TextEncoder,
    config: NlpConfig,
    config_dir: Path,
    *,
    with_spacy: bool | None = None,
) -> EnrichmentKit:
    use_spacy = config.places.use_spacy if with_spacy is None else with_spacy
    return EnrichmentKit(
        profile=profile,
        themes=load_theme_model(profile, encoder, config, config_dir),
        gazetteer=build_gazetteer(profile, config.places),
        signals=parse_signal_lexicon(load_yaml_mapping(config_dir / config.signals.lexicon_file)),
        funding=parse_funding_terms(load_yaml_mapping(config_dir / config.funding.terms_file)),
        authority=authority_pattern(profile),
        tagger=load_entity_tagger(config_dir, config, profile) if use_spacy else None,
        evidence=load_source_evidence(config_dir, profile.id, [t.id for t in profile.themes],
                                      config.themes.evidence_file),
    )
