"""Code, config and docs agree: the dependency rule the README writes down, the CLI and bench
commands the docs name, every environment variable read anywhere, the figures the docs quote,
the links and paths they give, and prefect.yaml's flows."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml

from warehouse.config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OURS = ("flows", "scrapers", "nlp", "warehouse", "delivery", "web", "bench", "tests")
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
# Read from the process environment to pass on to a child process, not configuration.
PASSED_THROUGH = {"PYTHONPATH"}


@cache
def dependency_rule() -> dict[str, set[str]]:
    """The README's table: part (a folder, "warehouse/text/") -> the names it may import."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("| part | may import |", 1)[1].split("\n\n", 1)[0]
    rule = {}
    for line in section.splitlines()[2:]:
        part, allowed = line.strip("|").split("|", 1)
        rule[part.strip().strip("`")] = set(re.findall(r"`([a-z_.]+)`", allowed))
    return rule


def row_of(dotted: str) -> str | None:
    """The most specific row of the rule that holds a module ("warehouse.text.sentences")."""
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        folder = "/".join(parts[:size]) + "/"
        if folder in dependency_rule():
            return folder
    return None


def permitted(importer_row: str, module: str) -> bool:
    target = row_of(module)
    if target == importer_row:
        return True
    return any((module == name or module.startswith(name + ".")) and row_of(name) == target
               for name in dependency_rule()[importer_row])


def python_files() -> Iterator[Path]:
    for top in OURS:
        yield from sorted((ROOT / top).rglob("*.py"))


def imports_of(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in OURS}


def test_layout_rule_has_a_row_for_every_top_folder() -> None:
    assert {row.split("/")[0] for row in dependency_rule()} == set(OURS)
    for names in dependency_rule().values():
        assert all(row_of(name) for name in names), names


def test_layout_imports_follow_the_readme_dependency_rule() -> None:
    offenders = {}
    for path in python_files():
        relative = path.relative_to(ROOT)
        importer = row_of(".".join(relative.with_suffix("").parts))
        wrong = sorted(m for m in imports_of(ast.parse(path.read_text(encoding="utf-8")))
                       if not permitted(importer, m))
        if wrong:
            offenders[str(relative)] = wrong
    assert offenders == {}


def test_layout_rule_check_catches_what_it_should() -> None:
    assert not permitted("scrapers/", "warehouse.db")
    assert not permitted("warehouse/", "nlp.themes")
    assert not permitted("flows/", "flows.cli.main")  # the CLI is imported by nothing else
    assert not permitted("tests/", "bench.corpus") and not permitted("bench/", "tests.nlp")
    assert not permitted("warehouse/text/", "warehouse.records")
    assert permitted("scrapers/", "warehouse.config.sources")
    assert permitted("bench/", "tests.support.world") and permitted("flows/cli/", "flows.tasks")


def test_layout_no_module_edits_sys_path() -> None:
    edits = [str(path.relative_to(ROOT)) for path in python_files()
             if any(isinstance(node, ast.Attribute) and ast.unparse(node) == "sys.path"
                    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert edits == []


def _string_constants(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def environment_reads(tree: ast.Module) -> set[str]:
    """Names read with os.environ.get / [] / in, os.getenv or os.environ.setdefault."""
    constants, keys = _string_constants(tree), []
    readers = {"os.environ.get", "os.getenv", "environ.get", "os.environ.setdefault"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in readers and node.args:
            keys.append(node.args[0])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
                ast.unparse(node.value) in ("os.environ", "environ"):
            keys.append(node.slice)
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn) and \
                ast.unparse(node.comparators[0]) in ("os.environ", "environ"):
            keys.append(node.left)
    names = {key.value for key in keys if isinstance(key, ast.Constant)}
    return names | {constants[key.id] for key in keys
                    if isinstance(key, ast.Name) and key.id in constants}


def test_layout_every_environment_variable_read_is_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    read = {f"HORIZON_{name.upper()}" for name in Settings.model_fields}
    for path in python_files():
        read |= environment_reads(ast.parse(path.read_text(encoding="utf-8")))
    missing = sorted(name for name in read - PASSED_THROUGH
                     if not re.search(rf"^#? ?{name}=", example, re.MULTILINE))
    assert "HORIZON_TEST_KILL_AT" in read and missing == []


def _figures() -> list[tuple[str, str, float]]:
    """(doc, a phrase with the quoted figure as its group, the constant in code)."""
    from warehouse.config.profiles import DigestOptions
    from warehouse.search import segments, vector_publish, vectors

    digest = DigestOptions.model_fields
    return [
        ("docs/search.md", r"(\d+) % of them probed", vectors.IVF_PROBE_SHARE * 100),
        ("docs/search.md", r"probed but at least (\d+)", vectors.IVF_MIN_PROBES),
        ("docs/operations.md", r"`MERGE_FACTOR` \((\d+)\)", segments.MERGE_FACTOR),
        ("docs/operations.md", r"more than (\d+) % of one is tombstones",
         segments.PURGE_DEAD_SHARE * 100),
        ("docs/operations.md", r"or more than (\d+) % of the segments' vectors are tombstones",
         vector_publish.RETRAIN_DEAD_SHARE * 100),
        ("docs/operations.md", r"the live vectors grew (\d+)x since training",
         vectors.RETRAIN_GROWTH),
        ("docs/operations.md", r"imbalance factor grew ([\d.]+)x", vectors.RETRAIN_IMBALANCE),
        ("docs/operations.md", r"sit on average ([\d.]+) further", vectors.RETRAIN_SCORE_DROP),
        ("docs/digest.md", r"`max_items` \(default (\d+)\)", digest["max_items"].default),
        ("docs/digest.md", r"up to `brief_items`, default (\d+)", digest["brief_items"].default),
    ]


def test_layout_figures_the_docs_quote_match_the_code() -> None:
    wrong = []
    for doc, phrase, constant in _figures():
        text = " ".join((ROOT / doc).read_text(encoding="utf-8").split())
        found = re.search(phrase, text)
        if not found or float(found.group(1)) != float(constant):
            wrong.append((doc, phrase, found and found.group(1), constant))
    assert wrong == []


def test_layout_env_example_defaults_are_the_settings_defaults() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    wrong = {}
    for name, field in Settings.model_fields.items():
        found = re.search(rf"^HORIZON_{name.upper()}=(.+)$", example, re.MULTILINE)
        default = field.default
        shown = default.get_secret_value() if hasattr(default, "get_secret_value") else default
        if found and str(shown) != found[1]:
            wrong[name] = (found[1], default)
    assert wrong == {}


def test_layout_every_cli_command_is_documented() -> None:
    from flows.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    names += [group.name for group in app.registered_groups]
    missing = [name for name in names if f"horizon {name}" not in readme]
    assert names and missing == []


def test_layout_every_bench_is_listed_with_its_command() -> None:
    performance = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    benches = [p.stem for p in sorted((ROOT / "bench").glob("*.py"))
               if "def main(" in p.read_text(encoding="utf-8")]
    missing = [name for name in benches if f"python -m bench.{name}" not in performance]
    assert benches and missing == []


def test_layout_docs_name_no_bench_by_file_path_to_run() -> None:
    stale = {str(doc.relative_to(ROOT)): re.findall(r"python3? bench/\w+\.py", text)
             for doc in DOCS if re.search(r"python3? bench/\w+\.py",
                                          text := doc.read_text(encoding="utf-8"))}
    assert stale == {}


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_layout_doc_links_resolve(doc: Path) -> None:
    prose = re.sub(r"`[^`\n]*`", "", doc.read_text(encoding="utf-8"))  # code spans are not links
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in _anchors(
                linked.read_text(encoding="utf-8"))):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_layout_paths_the_docs_name_exist(doc: Path) -> None:
    """Every `folder/file.ext` in backticks names a file of the checkout."""
    pattern = r"`((?:flows|scrapers|nlp|warehouse|delivery|web|bench|tests|config|docs|demo)" \
              r"/[\w./-]+\.(?:py|yaml|yml|md|sql|html|js|css|json|jsonl))`"
    missing = sorted({path for path in re.findall(pattern, doc.read_text(encoding="utf-8"))
                      if not (ROOT / path).exists()})
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
