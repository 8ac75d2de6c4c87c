"""Named queries of the briefing papers: documents with their enrichment, stories, topics."""

from __future__ import annotations

import json
import uuid

import duckdb

_ROWS = """
SELECT d.id, d.source, d.kind, d.url, d.title, d.summary, d.body_text,
       coalesce(d.published_at, d.updated_at, d.first_seen_at) AS published_at, d.fetched_at,
       d.organisations, d.people, d.metadata, d.opens_at, d.closes_at, d.parser_version,
       coalesce(t.themes, []) AS themes, coalesce(i.signal, 'neutral') AS signal,
       coalesce(i.signal_reason, '') AS signal_reason, coalesce(i.region_score, 0) AS region,
       coalesce(i.places, []) AS places, coalesce(i.funding, d.funding) AS funding,
       i.cluster_id, coalesce(i.model_version, '') AS model_version,
       -- the region's MPs and peers who took part (issue 16's people tables)
       coalesce((SELECT list(DISTINCT p.name) FROM contributions c JOIN people p
                 ON p.profile = c.profile AND p.person_id = c.person_id
                 WHERE c.profile = $profile AND c.document_id = d.id AND p.in_region
                 AND p.name <> ''), []) AS region_people
FROM documents d
LEFT JOIN document_insights i ON i.document_id = d.id AND i.profile = $profile
LEFT JOIN (SELECT document_id, list(theme ORDER BY score DESC, theme) AS themes
           FROM theme_scores WHERE profile = $profile AND above_threshold
           GROUP BY document_id) t ON t.document_id = d.id
WHERE list_contains($ids, d.id) AND d.withdrawn_at IS NULL
"""
_FIELDS = ("id", "source", "kind", "url", "title", "summary", "body_text", "published_at",
           "fetched_at", "organisations", "people", "metadata", "opens_at", "closes_at",
           "parser_version", "themes", "signal", "signal_reason", "region_score", "places",
           "funding", "cluster_id", "model_version", "region_people")


def brief_rows(con: duckdb.DuckDBPyConnection, profile: str, ids: list[uuid.UUID]
               ) -> dict[uuid.UUID, dict]:
    """Document id -> its stored fields and enrichment (withdrawn documents left out)."""
    out = {}
    for row in con.execute(_ROWS, {"profile": profile, "ids": ids}).fetchall():
        values = dict(zip(_FIELDS, row, strict=True))
        values["metadata"] = json.loads(values["metadata"]) if values["metadata"] else {}
        values["funding"] = json.loads(values["funding"]) if values["funding"] else None
        out[values["id"]] = values
    return out


def story_documents(con: duckdb.DuckDBPyConnection, profile: str, cluster_id: uuid.UUID
                    ) -> list[uuid.UUID]:
    """A story cluster's documents, newest first (the lead's id is the cluster id)."""
    return [r[0] for r in con.execute(
        "SELECT i.document_id FROM document_insights i JOIN documents d ON d.id = i.document_id"
        " WHERE i.profile = ? AND i.cluster_id = ?"
        " ORDER BY coalesce(d.published_at, d.first_seen_at) DESC, d.id",
        [profile, cluster_id]).fetchall()]


def top_stories(con: duckdb.DuckDBPyConnection, profile: str, since=None, until=None,
                theme: str | None = None, limit: int = 5) -> list[tuple[uuid.UUID, str, int]]:
    """(cluster id, lead title, documents) of the largest stories, optionally of one theme."""
    return con.execute(
        "SELECT i.cluster_id, any_value(l.title), count(*) AS n"
        " FROM document_insights i JOIN documents d ON d.id = i.document_id"
        " JOIN documents l ON l.id = i.cluster_id"
        " WHERE i.profile = $p AND i.cluster_id IS NOT NULL"
        " AND ($since IS NULL OR coalesce(d.published_at, d.first_seen_at) >= $since)"
        " AND ($until IS NULL OR coalesce(d.published_at, d.first_seen_at) < $until)"
        " AND ($theme IS NULL OR EXISTS (SELECT 1 FROM theme_scores t WHERE"
        "      t.document_id = d.id AND t.profile = $p AND t.theme = $theme"
        "      AND t.above_threshold))"
        " GROUP BY i.cluster_id ORDER BY n DESC, any_value(l.title) LIMIT $limit",
        {"p": profile, "since": since, "until": until, "theme": theme, "limit": limit},
    ).fetchall()
