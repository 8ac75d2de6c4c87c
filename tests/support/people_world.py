"""The demo week's Parliament items saved with hand-set themes and fake vectors, the people
tables filled for the real WMCA profile, and the search replica published (for CLI/web tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.tasks.people import refresh_people
from tests.support.people_samples import ROOT, demo_documents
from tests.support.search_world import NOW, FakeEncoder, enrich
from warehouse.config.profiles import load_profile
from warehouse.db import connect
from warehouse.save import save_documents, save_enrichments
from warehouse.search.replica import publish_search_index

# Themes by words of the heading (set by hand for the test; the enrichment is not under test).
THEMES = {"Bus": ["transport"], "Rail": ["transport"], "Housing": ["housing"],
          "Brownfield": ["housing"], "Skills": ["skills"], "Finance": ["devolution"]}


@dataclass
class PeopleWorld:
    db: Path
    encoder: FakeEncoder
    note: str


def save_people_world(db: Path) -> PeopleWorld:
    encoder = FakeEncoder()
    profile = load_profile(ROOT / "config", "wmca")
    documents = demo_documents()
    with connect(db) as con:
        save_documents(con, documents, now=NOW)
        enrichments = [enrich(d, encoder, sorted({t for word, ts in THEMES.items()
                                                  if word in d.title for t in ts}))
                       for d in documents]
        save_enrichments(con, enrichments, profile="wmca",
                         content_hashes={d.id: d.content_hash for d in documents}, now=NOW)
        note = refresh_people(con, profile, ROOT / "config")
        publish_search_index(con, db)
    return PeopleWorld(db, encoder, note)
