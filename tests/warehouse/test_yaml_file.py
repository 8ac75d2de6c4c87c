from __future__ import annotations

import pytest

from warehouse.config.yaml_file import read_yaml, read_yaml_mapping


class ConfigProblem(ValueError):
    pass


def test_yaml_file_syntax_error_names_file_line_and_column(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: ok\nthemes: [a, b\nother: 1\n", encoding="utf-8")
    with pytest.raises(ConfigProblem, match=rf"{path}:\d+:\d+: invalid YAML"):
        read_yaml(path, ConfigProblem)


def test_yaml_file_missing_file_raises_the_callers_error(tmp_path) -> None:
    with pytest.raises(ConfigProblem, match="file not found"):
        read_yaml(tmp_path / "absent.yaml", ConfigProblem)


def test_yaml_file_mapping_is_required_at_the_top_level(tmp_path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigProblem, match="expected a mapping at the top level"):
        read_yaml_mapping(path, ConfigProblem)
    path.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml_mapping(path, ConfigProblem) == {"a": 1}
