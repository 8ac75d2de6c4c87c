"""When a call opens and closes: the one rule, for Python and, generated from the same
definition, for SQL.

A document's deadline is the first of: its own closing time, the closing time of its enrichment's
funding facts (those merge the source's facts with what the text says), the closing time of the
source's funding facts. Its opening time is found the same way. It is closed once its deadline
has come (deadline <= now; no deadline: never known to be closed). It is open now when it has a
deadline still to come and has opened (no opening time: opened). The digest, the alerts and the
search's "funding open now" all ask these questions here.
"""

from __future__ import annotations

from datetime import datetime

from warehouse.records import ScoredDocument

# Where a time is looked for, first to last: the document itself, the enrichment's funding
# facts, the source's funding facts.
_PRECEDENCE = ("document", "insight_funding", "document_funding")


def _first(scored: ScoredDocument, field: str) -> datetime | None:
    document, insight = scored.document, scored.insight
    holders = {"document": document, "insight_funding": insight.funding if insight else None,
               "document_funding": document.funding}
    for name in _PRECEDENCE:
        value = getattr(holders[name], field, None) if holders[name] is not None else None
        if value is not None:
            return value
    return None


def deadline(scored: ScoredDocument) -> datetime | None:
    """When the item closes (see the module's rule), or None when nothing says."""
    return _first(scored, "closes_at")


def opening(scored: ScoredDocument) -> datetime | None:
    return _first(scored, "opens_at")


def is_closed(scored: ScoredDocument, now: datetime) -> bool:
    closes = deadline(scored)
    return closes is not None and closes <= now


def is_open_now(scored: ScoredDocument, now: datetime) -> bool:
    closes, opens = deadline(scored), opening(scored)
    return closes is not None and closes > now and (opens is None or opens <= now)


def _first_sql(field: str, document: str, insight: str) -> str:
    columns = {
        "document": f"{document}.{field}",
        "insight_funding": f"try_cast(json_extract_string({insight}.funding, '$.{field}')"
                           " AS TIMESTAMPTZ)",
        "document_funding": f"try_cast(json_extract_string({document}.funding, '$.{field}')"
                            " AS TIMESTAMPTZ)",
    }
    return f"coalesce({', '.join(columns[name] for name in _PRECEDENCE)})"


def deadline_sql(document: str = "d", insight: str = "i") -> str:
    """`deadline` over a documents row (alias `document`) left-joined to its insight (`insight`)."""
    return _first_sql("closes_at", document, insight)


def opening_sql(document: str = "d", insight: str = "i") -> str:
    return _first_sql("opens_at", document, insight)


def not_closed_sql(document: str = "d", insight: str = "i") -> str:
    """NOT `is_closed`; one parameter: now."""
    closes = deadline_sql(document, insight)
    return f"({closes} IS NULL OR {closes} > ?)"


def open_now_sql(document: str = "d", insight: str = "i") -> str:
    """`is_open_now`; two parameters: now, now."""
    closes, opens = deadline_sql(document, insight), opening_sql(document, insight)
    return f"({closes} IS NOT NULL AND {closes} > ? AND ({opens} IS NULL OR {opens} <= ?))"
