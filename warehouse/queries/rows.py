"""Row <-> record mappings, each written once: a Document, a ThemeScore, a DocumentInsight and a
ScoredDocument to and from the warehouse's rows. Saves, named queries and search all use these,
so a new field is added here and in its migration, nowhere else."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime

from warehouse.records import Document, DocumentInsight, ScoredDocument, ThemeScore

DOCUMENT_FIELDS = tuple(Document.model_fields)
SELECT_DOCUMENT = f"SELECT {', '.join(DOCUMENT_FIELDS)} FROM documents"
# The stored columns of a document (DOCUMENT_FIELDS, in the order the saves write them).
DOCUMENT_COLUMNS = (
    "id", "source", "kind", "url", "title", "summary", "body_text", "published_at",
    "updated_at", "fetched_at", "organisations", "people", "tags", "source_type", "opens_at",
    "closes_at", "withdrawn_at", "withdrawn_reason", "funding", "metadata", "content_hash",
    "parser_version",
)
# A stored theme score's columns; `tentative` is NULL in rows older than its migration.
THEME_SCORE_FIELDS = ("document_id", "profile", "theme", "score", "above_threshold", "evidence",
                      "model_version", "tentative")
SELECT_THEME_SCORE = ", ".join([*THEME_SCORE_FIELDS[:-1], "coalesce(tentative, false)"])
INSIGHT_FIELDS = ("document_id", "profile", "signal", "signal_score", "signal_reason",
                  "matched_terms", "region_score", "places", "people", "funding", "cluster_id",
                  "model_version")
SELECT_INSIGHT = ", ".join(INSIGHT_FIELDS)


def _json_or(value: str | None, empty: object) -> object:
    return json.loads(value) if value else empty


def document_from_row(row: tuple) -> Document:
    values = dict(zip(DOCUMENT_FIELDS, row, strict=True))
    values["funding"] = _json_or(values["funding"], None)
    values["metadata"] = _json_or(values["metadata"], {})
    return Document.model_validate(values)


def document_row(document: Document) -> list[object]:
    values = document.model_dump()
    values["kind"] = document.kind.value
    values["funding"] = document.funding.model_dump_json() if document.funding else None
    values["metadata"] = json.dumps(document.metadata, sort_keys=True)
    return [values[column] for column in DOCUMENT_COLUMNS]


def theme_score_from_row(row: tuple) -> ThemeScore:
    return ThemeScore(**dict(zip(THEME_SCORE_FIELDS, row, strict=True)))


def theme_score_row(score: ThemeScore) -> list[object]:
    return [getattr(score, name) for name in THEME_SCORE_FIELDS]


def insight_from_row(row: tuple) -> DocumentInsight:
    values = dict(zip(INSIGHT_FIELDS, row, strict=True))
    values["funding"] = _json_or(values["funding"], None)
    return DocumentInsight.model_validate(values)


def insight_row(insight: DocumentInsight) -> list[object]:
    values = {name: getattr(insight, name) for name in INSIGHT_FIELDS}
    values["signal"] = insight.signal.value
    values["funding"] = insight.funding.model_dump_json() if insight.funding else None
    return [values[name] for name in INSIGHT_FIELDS]


def scored_documents_of(
    documents: Iterable[tuple[Document, tuple[datetime, datetime, int]]],
    scores: Mapping[uuid.UUID, list[ThemeScore]],
    insights: Mapping[uuid.UUID, DocumentInsight],
) -> list[ScoredDocument]:
    """Each (document, (first seen, last changed, version)) with its theme scores and insight."""
    return [
        ScoredDocument(document=doc, themes=scores.get(doc.id, []), insight=insights.get(doc.id),
                       first_seen_at=seen[0], last_changed_at=seen[1], version=seen[2])
        for doc, seen in documents
    ]
