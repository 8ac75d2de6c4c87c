"""GOV.UK document_type -> Horizon DocumentKind. Anything not listed is DocumentKind.OTHER."""

from __future__ import annotations

from warehouse.records import DocumentKind

_KINDS: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.NEWS: ("news_story", "news_article", "world_news_story", "government_response",
                        "authored_article", "fatality_notice"),
    DocumentKind.PRESS_RELEASE: ("press_release",),
    DocumentKind.SPEECH: ("speech", "oral_statement"),
    DocumentKind.WRITTEN_STATEMENT: ("written_statement",),
    DocumentKind.CONSULTATION: ("consultation", "open_consultation", "closed_consultation",
                                "consultation_outcome"),
    DocumentKind.CALL_FOR_EVIDENCE: ("call_for_evidence", "open_call_for_evidence",
                                     "closed_call_for_evidence", "call_for_evidence_outcome"),
    DocumentKind.POLICY_PAPER: ("policy_paper", "impact_assessment"),
    DocumentKind.STATISTICS: ("statistics", "national_statistics", "official_statistics",
                              "statistics_announcement", "national_statistics_announcement",
                              "official_statistics_announcement", "statistical_data_set"),
    DocumentKind.RESEARCH: ("research", "independent_report"),
    DocumentKind.GUIDANCE: ("guidance", "detailed_guide", "statutory_guidance"),
    DocumentKind.CORPORATE_REPORT: ("corporate_report",),
    # Specialist finders that list money on offer.
    DocumentKind.FUNDING_CALL: ("business_finance_support_scheme", "esi_fund",
                                "international_development_fund",
                                "countryside_stewardship_grant"),
}

DOCUMENT_KINDS: dict[str, DocumentKind] = {
    document_type: kind for kind, types in _KINDS.items() for document_type in types
}


def kind_for(document_type: str) -> DocumentKind:
    return DOCUMENT_KINDS.get(document_type, DocumentKind.OTHER)
