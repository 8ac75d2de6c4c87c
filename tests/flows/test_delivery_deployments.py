"""prefect.yaml's deployments load as real flows with UK-time schedules, as `horizon serve`
serves them; the serve command is wired into the CLI."""

from __future__ import annotations

import yaml

from flows.cli.serve import PREFECT_YAML, load_deployments


def test_delivery_deployments_load_with_london_cron_schedules() -> None:
    deployments = {d.name: d for d in load_deployments()}
    config = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    assert set(deployments) == {entry["name"] for entry in config["deployments"]}
    digest = deployments["daily-digest-wmca"]
    [schedule] = digest.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 7 * * *",
                                                                   "Europe/London")
    assert digest.parameters["send"] is True
    alerts = deployments["funding-alerts-wmca"]
    assert alerts.schedules[0].schedule.cron == "30 * * * *"
    assert alerts.parameters["collect"] is True


def test_delivery_deployments_name_the_flows_they_run() -> None:
    flows = {d.name: d.flow_name for d in load_deployments()}
    assert flows["daily-digest-cpca"] == "daily_digest"
    assert flows["funding-alerts-cpca"] == "funding_alerts"
