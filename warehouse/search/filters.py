"""Search filters as a parameterised SQL condition over the replica's documents (alias d)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from warehouse.deadlines import open_now_sql
from warehouse.search.models import SearchFilters

# A document is "region-relevant" when its place score reaches this (document_insights).
REGION_MIN_SCORE = 0.5
# "Funding open now" means funding: a call, grant or tender, or another document with funding
# facts, never a consultation or call for evidence (their closing date is not a funding deadline).
FUNDING_KINDS = ("funding_call", "grant", "tender")
NOT_FUNDING_KINDS = ("consultation", "call_for_evidence")



def _midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def filter_condition(filters: SearchFilters) -> tuple[str, list]:
    """(SQL condition on `d`, parameters); 'TRUE' when no filter is set."""
    parts: list[str] = []
    params: list = []
    if filters.date_from:
        parts.append("d.published_at >= ?")
        params.append(_midnight(filters.date_from))
    if filters.date_to and filters.date_to < date.max:  # up to the last day: no upper bound
        parts.append("d.published_at < ?")
        params.append(_midnight(filters.date_to) + timedelta(days=1))
    if filters.sources:
        parts.append("list_contains(?, d.source)")
        params.append(list(filters.sources))
    if filters.kinds:
        parts.append("list_contains(?, d.kind)")
        params.append([k.value for k in filters.kinds])
    if filters.themes:
        parts.append("EXISTS (SELECT 1 FROM theme_scores t WHERE t.document_id = d.id"
                     " AND t.profile = ? AND t.above_threshold AND list_contains(?, t.theme))")
        params += [filters.profile, list(filters.themes)]
    insight = []
    if filters.signal:
        insight.append("i.signal = ?")
        params_signal = [filters.signal.value]
    else:
        params_signal = []
    if filters.region_only:
        insight.append("i.region_score >= ?")
        params_signal.append(REGION_MIN_SCORE)
    if insight:
        parts.append("EXISTS (SELECT 1 FROM document_insights i WHERE i.document_id = d.id"
                     f" AND i.profile = ? AND {' AND '.join(insight)})")
        params += [filters.profile, *params_signal]
    if filters.funding_open:
        now = filters.now or datetime.now(UTC)
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
        # Funding by its kind or the source's facts, or (not a consultation) by the enrichment's
        # facts; open now by the one rule (warehouse/deadlines.py) over both.
        funding = ("(list_contains(?, o.kind) OR (NOT list_contains(?, o.kind) AND"
                   " (o.funding IS NOT NULL OR i.funding IS NOT NULL)))")
        parts.append("d.id IN (SELECT o.id FROM documents o LEFT JOIN document_insights i"
                     f" ON i.document_id = o.id AND i.profile = ? WHERE {funding}"
                     f" AND {open_now_sql('o', 'i')})")
        params += [filters.profile, list(FUNDING_KINDS), list(NOT_FUNDING_KINDS), now, now]
    if filters.person:  # documents this person took part in (issue 16)
        parts.append("EXISTS (SELECT 1 FROM contributions p WHERE p.document_id = d.id"
                     " AND p.profile = ? AND p.person_id = ?)")
        params += [filters.profile, filters.person]
    return (" AND ".join(parts) or "TRUE"), params
