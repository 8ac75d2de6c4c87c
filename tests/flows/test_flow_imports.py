"""The shape of flows/ from its import graph: each top-level module is a flow, no flow imports
another flow, the shared steps (flows/tasks/) and run machinery (flows/runtime/) import no flow,
and nothing outside flows/ (tests aside) imports the CLI (flows/cli/)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from prefect import Flow

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
FLOW_MODULES = sorted(p for p in FLOWS.glob("*.py") if p.name != "__init__.py")
SUPPORT = ("flows.tasks", "flows.runtime")
OUTSIDE = ("scrapers", "nlp", "warehouse", "delivery", "web", "bench")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _flows_imports(path: Path) -> set[str]:
    """Every module of flows/ that `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name == "flows" or name.startswith("flows.")}


def _is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_flow_modules_are_the_top_level_of_flows() -> None:
    assert {p.stem for p in FLOW_MODULES} == {
        "backfill", "daily_digest", "digest_delivery", "funding_alerts", "mayors_week"}


@pytest.mark.parametrize("path", FLOW_MODULES, ids=lambda p: p.stem)
def test_flow_module_defines_a_flow(path: Path) -> None:
    module = importlib.import_module(_module(path))
    defined = [value for value in vars(module).values()
               if isinstance(value, Flow) and value.fn.__module__ == module.__name__]
    assert defined, f"{path.name} holds no @flow"


@pytest.mark.parametrize("path", FLOW_MODULES, ids=lambda p: p.stem)
def test_flow_module_imports_no_other_flow_and_no_cli(path: Path) -> None:
    wrong = sorted(name for name in _flows_imports(path)
                   if not any(_is_under(name, package) for package in SUPPORT))
    assert wrong == []


@pytest.mark.parametrize("package", SUPPORT)
def test_flow_support_imports_no_flow_and_no_cli(package: str) -> None:
    offenders = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        wrong = sorted(name for name in _flows_imports(path)
                       if not any(_is_under(name, other) for other in SUPPORT))
        if wrong:
            offenders[_module(path)] = wrong
    assert offenders == {}


def test_flow_cli_is_imported_only_inside_flows() -> None:
    offenders = {}
    for folder in OUTSIDE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            wrong = sorted(n for n in _flows_imports(path) if _is_under(n, "flows.cli"))
            if wrong:
                offenders[_module(path)] = wrong
    assert offenders == {}


def test_flow_import_check_sees_a_flow_importing_a_flow(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from flows.daily_digest import daily_digest\n"
                      "from flows import cli\nfrom flows.tasks.collect import collect_sources\n",
                      encoding="utf-8")
    imported = _flows_imports(sample)
    assert {"flows.daily_digest", "flows.cli", "flows.tasks.collect"} <= imported
    assert not any(_is_under("flows.daily_digest", package) for package in SUPPORT)
