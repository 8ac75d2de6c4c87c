"""Named queries: the reads the other folders make of the warehouse, parameterised.

Which module holds which reads:

- `warehouse.queries.documents` (re-exported here): documents and their enrichment (theme
  scores, insights, `ScoredDocument`s by id or changed in a window), what needs enriching,
  watermarks, the last completed run, row counts.
- `warehouse.queries.rows`: the row <-> record mappings every read and save uses.
- `warehouse.delivery_state`: the delivery ledger's reads (digest windows and sends, alert sends)
  and the digest's and alerts' reads (deadlines in a window, open funding, theme volume, the
  latest run's sources, watermarks).
- `warehouse.brief_rows`: the briefing papers' rows, stories and topics.
- `warehouse.people` and `warehouse.people_activity`: people, contributions, who said what.
- `warehouse.insights`: story-cluster candidates and timelines.
- `warehouse.source_state`, `warehouse.collection_state`: per-source health, HTTP cache,
  cursors and item failures.
- `warehouse.labels`: the office's theme labels.
- `warehouse.search`: everything the search replica answers.
"""

from warehouse.queries.documents import (
    TABLES,
    changed_since,
    documents_needing_enrichment,
    get_watermark,
    insights_for,
    known_versions,
    last_completed_run_end,
    load_documents,
    row_counts,
    scored_documents,
    theme_scores_for,
)

__all__ = [
    "TABLES", "changed_since", "documents_needing_enrichment", "get_watermark", "insights_for",
    "known_versions", "last_completed_run_end", "load_documents", "row_counts",
    "scored_documents", "theme_scores_for",
]
