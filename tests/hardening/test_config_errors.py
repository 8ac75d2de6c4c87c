"""A broken profile or config file, or a missing secret, stops a run before any work starts, with
an error naming the file, the line and the field."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from flows.cli import app
from tests.support.data_paths import ROOT
from warehouse.config.profiles import ProfileError
from warehouse.config.settings import MissingSecret, get_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    monkeypatch.setenv("HORIZON_CONFIG_DIR", str(target))
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()


def run_cli(tmp_path: Path) -> tuple[int, str]:
    db = tmp_path / "h.duckdb"
    result = CliRunner().invoke(app, ["run", "--db", str(db), "--out", str(tmp_path / "out"),
                                      "--source", "wmca_news"])
    assert not db.exists(), "work started before the configuration was checked"
    return result.exit_code, "".join(result.output.splitlines())  # undo the console's wrapping


def replace_line(path: Path, old: str, new: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    return number + 1


def test_config_bad_yaml_names_file_and_line(config: Path, tmp_path: Path) -> None:
    line = replace_line(config / "profiles" / "wmca.yaml", "short_name:", "short_name: a: b:")
    code, output = run_cli(tmp_path)
    assert code == 2
    found = re.search(r"wmca\.yaml:(\d+):\d+: invalid YAML", output)
    assert found and int(found.group(1)) == line


def test_config_bad_field_names_file_and_field(config: Path, tmp_path: Path) -> None:
    path = config / "profiles" / "wmca.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("digest", {})["max_items_per_section"] = 0
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, output = run_cli(tmp_path)
    assert code == 2
    assert "wmca.yaml: invalid profile" in output
    assert "field digest.max_items_per_section: Input should be greater than" in output


def test_config_unknown_theme_id_names_file_line_and_field(config: Path, tmp_path: Path) -> None:
    line = replace_line(config / "theme_thresholds.yaml", "    transport:", "    transprt:")
    code, output = run_cli(tmp_path)
    assert code == 2
    assert (f"theme_thresholds.yaml:{line}: field thresholds.wmca.transprt: unknown theme id"
            " 'transprt'") in output


def test_config_unknown_source_named(config: Path, tmp_path: Path) -> None:
    path = config / "profiles" / "wmca.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - wmca_news", "  - wmca_news\n  - no_such_source", 1), encoding="utf-8")
    code, output = run_cli(tmp_path)
    assert code == 2 and "unknown sources: no_such_source" in output


def test_config_missing_smtp_password_fails_before_work(
        config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.daily_digest import daily_digest

    monkeypatch.setenv("HORIZON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HORIZON_SMTP_USER", "horizon")
    monkeypatch.delenv("HORIZON_SMTP_PASSWORD", raising=False)
    get_settings.cache_clear()
    db = tmp_path / "h.duckdb"
    with pytest.raises(MissingSecret, match="HORIZON_SMTP_PASSWORD"):
        daily_digest(db=str(db), out=str(tmp_path / "out"), only_sources=["wmca_news"],
                     send=True)
    assert not db.exists()


def test_config_prefect_yaml_crons_are_valid() -> None:
    from prefect.schedules import Cron

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    schedules = [s for d in config["deployments"] for s in d.get("schedules", [])]
    assert schedules
    for schedule in schedules:
        Cron(schedule["cron"], timezone=schedule["timezone"])


def test_config_bad_cron_names_file_line_and_field(tmp_path: Path) -> None:
    from flows.cli.serve import load_deployments

    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "prefect.yaml"
    broken.write_text(text.replace('cron: "0 7 * * *"', 'cron: "61 7 * * *"', 1),
                      encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        load_deployments(broken)
    message = str(raised.value)
    assert "prefect.yaml:" in message and "schedules" in message
    line = int(message.split("prefect.yaml:", 1)[1].split(":", 1)[0])
    assert '"61 7 * * *"' in broken.read_text(encoding="utf-8").splitlines()[line - 1]
