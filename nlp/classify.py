"""`horizon classify`: JSON lines of {"id", "title", "description", "body_text"} in, labels out.

Each input line becomes a Document (HTML is reduced to text, bad bytes replaced, any field may be
missing or empty), documents are enriched in bounded batches, and each gives one output line:
{"id", "themes": [{"theme", "score", "evidence"}] above their thresholds (a best theme clearly
ahead but under threshold with "tentative": true), "signal", "signal_reason",
"region_score", "places", "funding": {...} | null}. A line that is not a JSON object still gives
an output line, with "error" set, so outputs pair one-to-one with inputs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from urllib.parse import quote

from nlp.config import NlpConfig
from nlp.encoder import TextEncoder
from nlp.enrich import enrich_documents
from nlp.kit import EnrichmentKit
from warehouse.records import Document, DocumentKind, Enrichment
from warehouse.text import html_to_text, strip_control

MAX_FIELD_CHARS = 2_000_000
_LOOKS_HTML = re.compile(r"<(?:p|div|br|span|a|li|h[1-6]|script|style|html|body|table)\b",
                         re.IGNORECASE)


def clean_text(value: object) -> str:
    """A field as plain text: HTML tags dropped, entities decoded, control characters removed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text[:MAX_FIELD_CHARS]
    if _LOOKS_HTML.search(text):
        text = html_to_text(text)
    return strip_control(text).replace("\ufffd", " ")


def parse_line(raw: bytes | str, index: int) -> tuple[str, Document | None, str]:
    """(id, document, error) of one input line."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        record = json.loads(text, strict=False)  # raw control characters inside strings
    except ValueError as error:
        return f"line-{index + 1}", None, f"not JSON: {error}"
    if not isinstance(record, dict):
        return f"line-{index + 1}", None, "not a JSON object"
    record_id = record.get("id")
    record_id = str(record_id) if record_id not in (None, "") else f"line-{index + 1}"
    title = " ".join(clean_text(record.get("title")).split())[:1000]
    description = clean_text(record.get("description"))
    body = clean_text(record.get("body_text"))
    document = Document(
        source="classify",
        kind=DocumentKind.OTHER,
        url=f"https://classify.invalid/{index}/{quote(record_id[:200], safe='')}",
        title=title or " ".join(description.split())[:200] or "(untitled)",
        summary=description,
        body_text=body,
        fetched_at=datetime.now(UTC),
        parser_version="classify/1",
    )
    return record_id, document, ""


def to_output(record_id: str, enrichment: Enrichment) -> dict:
    insight = enrichment.insight
    themes = sorted((s for s in enrichment.theme_scores if s.above_threshold),
                    key=lambda s: -s.score)
    return {
        "id": record_id,
        "themes": [{"theme": s.theme, "score": round(s.score, 4), "evidence": s.evidence,
                    **({"tentative": True} if s.tentative else {})} for s in themes],
        "signal": insight.signal.value if insight else "neutral",
        "signal_reason": insight.signal_reason if insight else "",
        "region_score": round(insight.region_score, 4) if insight else 0.0,
        "places": insight.places if insight else [],
        "people": insight.people if insight else [],
        "funding": insight.funding.model_dump(mode="json") if insight and insight.funding
        else None,
    }


def error_output(record_id: str, error: str) -> dict:
    return {"id": record_id, "themes": [], "signal": "neutral", "signal_reason": "",
            "region_score": 0.0, "places": [], "people": [], "funding": None, "error": error}


def classify_lines(
    lines: Iterable[bytes | str],
    kit: EnrichmentKit,
    encoder: TextEncoder,
    config: NlpConfig,
    *,
    batch_size: int = 32,
    now: datetime | None = None,
) -> Iterator[dict]:
    """One output dict per input line, in order; at most `batch_size` documents held at once."""
    batch: list[tuple[str, Document | None, str]] = []
    for index, raw in enumerate(lines):
        if isinstance(raw, bytes | str) and not raw.strip():
            batch.append((f"line-{index + 1}", None, "empty line"))
        else:
            batch.append(parse_line(raw, index))
        if len(batch) >= batch_size:
            yield from _flush(batch, kit, encoder, config, now)
            batch = []
    yield from _flush(batch, kit, encoder, config, now)


def _flush(batch, kit, encoder, config, now) -> Iterator[dict]:
    documents = [document for _, document, _ in batch if document is not None]
    enriched = iter(enrich_documents(documents, kit, encoder, config, now=now))
    for record_id, document, error in batch:
        yield error_output(record_id, error) if document is None else to_output(
            record_id, next(enriched))
