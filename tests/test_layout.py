"""Code, config and docs agree: imports, CLI docs, settings in .env.example, prefect.yaml."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
import yaml

from warehouse.config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flows", "scrapers", "nlp", "warehouse", "delivery", "web")
ALLOWED = {
    "flows": {"scrapers", "nlp", "warehouse", "delivery", "web"},
    "web": {"nlp", "warehouse", "delivery"},
    "scrapers": {"warehouse"},
    "nlp": {"warehouse"},
    "delivery": {"warehouse"},
    "warehouse": set(),
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_layout_imports_follow_the_dependency_direction(package: str) -> None:
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).exists() else []:
        wrong = _imported_packages(path) - ALLOWED[package] - {package}
        if wrong:
            offenders[str(path.relative_to(ROOT))] = sorted(wrong)
    assert offenders == {}


def test_layout_every_cli_command_is_documented() -> None:
    from flows.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    names += [group.name for group in app.registered_groups]
    missing = [name for name in names if f"horizon {name}" not in readme]
    assert names and missing == []


def test_layout_every_setting_is_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    missing = [f"HORIZON_{name.upper()}" for name in Settings.model_fields
               if f"HORIZON_{name.upper()}=" not in example]
    assert missing == []


def test_layout_prefect_entrypoints_name_real_flows() -> None:
    from prefect import Flow

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert config["deployments"]
    for deployment in config["deployments"]:
        file_part, _, attribute = deployment["entrypoint"].partition(":")
        module = importlib.import_module(file_part.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, attribute), Flow), deployment["name"]
        for schedule in deployment.get("schedules", []):
            assert schedule["timezone"] == "Europe/London"


def test_layout_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
