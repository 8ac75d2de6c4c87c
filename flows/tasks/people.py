"""Fill the people tables for a profile: a step of the daily cycle, after enrichment."""

from __future__ import annotations

from pathlib import Path

import duckdb

from nlp.config import load_yaml_mapping
from nlp.contributions import build_people
from nlp.direction import parse_direction_lexicon
from warehouse.config.profiles import Profile
from warehouse.people import document_themes, parliament_documents, replace_people

LEXICON_FILE = "direction_lexicon.yaml"


def refresh_people(con: duckdb.DuckDBPyConnection, profile: Profile, config_dir: Path) -> str:
    """Rebuild the profile's people and contributions; returns a one-line note for the run.

    A failure here is reported in the note and leaves the previous people tables in place: the
    digest does not depend on them being fresh.
    """
    try:
        lexicon = parse_direction_lexicon(load_yaml_mapping(config_dir / LEXICON_FILE))
        people, contributions = build_people(parliament_documents(con),
                                             document_themes(con, profile.id), profile, lexicon)
        saved = replace_people(con, profile.id, people, contributions)
    except Exception as error:  # reported in the note; the run goes on
        return f"people: not refreshed: {type(error).__name__}: {error}"[:500]
    in_region = sum(p.in_region for p in people)
    return f"people: {saved[0]} ({in_region} in the region), {saved[1]} contributions"
