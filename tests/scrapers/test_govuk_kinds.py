from __future__ import annotations

from scrapers.govuk.config import load_supergroups
from scrapers.govuk.kinds import kind_for
from warehouse.config.settings import Settings
from warehouse.records import DocumentKind


def test_kind_for_policy_and_engagement_types_are_never_other() -> None:
    groups = load_supergroups(Settings().config_dir).groups
    for document_type in groups["policy_and_engagement"] + groups["research_and_statistics"]:
        assert kind_for(document_type) is not DocumentKind.OTHER, document_type


def test_kind_for_unknown_type_is_other() -> None:
    assert kind_for("html_publication") is DocumentKind.OTHER
    assert kind_for("") is DocumentKind.OTHER
