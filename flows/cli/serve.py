"""`horizon serve`: the deployments of prefect.yaml served from one machine (a Prefect server on
loopback)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
import yaml
from rich.console import Console

from flows.cli.common import fail
from warehouse.config.profiles import ProfileError
from warehouse.config.settings import PROJECT_ROOT, Settings, apply_offline_environment

console = Console()
PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"


def load_deployments(path: Path = PREFECT_YAML) -> list[Any]:
    """prefect.yaml's deployments as runner deployments (flow, parameters, cron schedules)."""
    from prefect.schedules import Cron

    text = path.read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    deployments = []
    for number, entry in enumerate(config["deployments"]):
        file_part, _, attribute = entry["entrypoint"].partition(":")
        module = importlib.import_module(file_part.removesuffix(".py").replace("/", "."))
        schedules = []
        for index, schedule in enumerate(entry.get("schedules", [])):
            try:
                schedules.append(Cron(schedule["cron"], timezone=schedule["timezone"],
                                      active=schedule.get("active", True)))
            except (ValueError, KeyError) as error:
                line = _line_of(text, str(schedule.get("cron")))
                raise ProfileError(
                    f"{path}:{line}: field deployments[{number}].schedules[{index}]"
                    f" ({entry.get('name')}): invalid schedule: {error}"
                ) from error
        deployments.append(getattr(module, attribute).to_deployment(
            name=entry["name"], description=entry.get("description"),
            parameters=entry.get("parameters", {}), schedules=schedules,
            tags=entry.get("tags")))
    return deployments


def _line_of(text: str, value: str) -> int | str:
    """The first line of a YAML file that holds `value`, for error messages ('?' if none)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if value in line:
            return number
    return "?"


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {server.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the Prefect server did not answer at {url} within {timeout:.0f}s")


def serve(
    port: Annotated[int, typer.Option(help="Loopback port of the Prefect server.")] = 4200,
    server: Annotated[bool, typer.Option(
        help="Start a local Prefect server (else use PREFECT_API_URL).")] = True,
) -> None:
    """Start a Prefect server on 127.0.0.1 and serve prefect.yaml's deployments until Ctrl-C."""
    apply_offline_environment()
    # Relative paths in prefect.yaml parameters (data/cpca.duckdb) mean the checkout, as the
    # deployments' pull step does with HORIZON_HOME.
    os.chdir(Settings().home or PROJECT_ROOT)
    process = None
    if server:
        url = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)], env=env, start_new_session=True)  # Ctrl-C: serve stops first
        os.environ["PREFECT_API_URL"] = url
        console.print(f"Prefect server starting at http://127.0.0.1:{port} (UI and API)")
    try:
        if process is not None:
            _wait_for(os.environ["PREFECT_API_URL"], process)
        from prefect import serve as prefect_serve
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: os.environ.get("PREFECT_API_URL")}):
            deployments = load_deployments()
            console.print(f"Serving {len(deployments)} deployments: "
                          + ", ".join(d.name for d in deployments))
            prefect_serve(*deployments)
    except KeyboardInterrupt:
        pass
    except RuntimeError as error:
        fail(str(error))
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
