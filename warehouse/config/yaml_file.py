"""The one YAML loader for configuration files: errors name the file, and the line and column
of a syntax error ("config/profiles/wmca.yaml:12:3: invalid YAML: ...") or the fields a
validation error found.

The caller passes the error type its own callers catch (ProfileError, NlpConfigError)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError


def read_yaml(path: Path, error: type[Exception] = ValueError) -> object:
    """The YAML document in `path`; a missing file or a syntax error raises `error`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as missing:
        raise error(f"{path}: file not found") from missing
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as invalid:
        mark = getattr(invalid, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(invalid, "problem", None) or str(invalid)
        raise error(f"{where}: invalid YAML: {problem}") from invalid


def describe_invalid(path: Path, what: str, error: ValidationError) -> str:
    """A validation error as lines naming the file and each field ("  field themes.0.id: ...")."""
    lines = [f"{path}: invalid {what}"]
    for issue in error.errors():
        field = ".".join(str(part) for part in issue["loc"]) or "(top level)"
        lines.append(f"  field {field}: {issue['msg']}")
    return "\n".join(lines)


def read_yaml_mapping(path: Path, error: type[Exception] = ValueError) -> dict:
    """`read_yaml`, and the document must be a mapping at the top level."""
    data = read_yaml(path, error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level")
    return data
