"""GOV.UK configuration (config/govuk.yaml): the content_purpose_supergroup of each type."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from warehouse.config.profiles import ProfileError, load_yaml_file


class Supergroups(BaseModel):
    """document_type -> content_purpose_supergroup, with the group of unlisted types."""

    model_config = ConfigDict(frozen=True)

    default: str
    groups: dict[str, list[str]]

    def of(self, document_type: str) -> str:
        for group, document_types in self.groups.items():
            if document_type in document_types:
                return group
        return self.default


def govuk_config_path(config_dir: Path) -> Path:
    return config_dir / "govuk.yaml"


def load_supergroups(config_dir: Path) -> Supergroups:
    path = govuk_config_path(config_dir)
    data = load_yaml_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("content_purpose_supergroups"), dict):
        raise ProfileError(f"{path}: expected a 'content_purpose_supergroups' mapping")
    return Supergroups.model_validate(data["content_purpose_supergroups"])
