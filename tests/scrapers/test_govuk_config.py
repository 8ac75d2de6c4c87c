from __future__ import annotations

from pathlib import Path

import yaml

from scrapers.govuk.config import load_supergroups
from warehouse.config.settings import Settings
from warehouse.config.sources import load_sources


def test_govuk_config_matches_recorded_supertypes(govuk_samples: Path) -> None:
    reference = yaml.safe_load((govuk_samples / "reference/govuk_document_types_supertypes.yml")
                               .read_text(encoding="utf-8"))["content_purpose_supergroup"]
    supergroups = load_supergroups(Settings().config_dir)
    assert supergroups.default == reference["default"]
    assert supergroups.groups == {item["id"]: item["document_types"]
                                  for item in reference["items"]}


def test_govuk_config_knows_every_configured_supergroup() -> None:
    settings = Settings()
    groups = load_supergroups(settings.config_dir).groups
    for source in load_sources(settings.config_dir).values():
        if source.spider == "govuk_search":
            assert source.params["supergroup"] in groups, source.name


def test_supergroups_of_unknown_type_is_default() -> None:
    supergroups = load_supergroups(Settings().config_dir)
    assert supergroups.of("news_story") == "news_and_communications"
    assert supergroups.of("no_such_type") == "other"
