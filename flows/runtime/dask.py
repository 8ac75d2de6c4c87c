"""Dask for the backfill: a task runner (a LocalCluster on loopback, or the scheduler at
HORIZON_DASK_ADDRESS) and one Prefect API shared by the flow and its worker processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flows.runtime.prefect_setup import drain_prefect_services, temporary_server
from warehouse.config.settings import Settings


@contextmanager
def shared_api(settings: Settings, port: int | None = None) -> Iterator[None]:
    """One temporary Prefect API for the flow and its Dask workers, unless PREFECT_API_URL is
    set: a worker process would otherwise start a temporary server of its own per process.
    The server dies with this process (flows/runtime/prefect_setup.py temporary_server)."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = temporary_server(settings, port or None)
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by the worker processes
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield
    finally:
        drain_prefect_services()
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def task_runner(workers: int, address: str | None, scheduler_port: int = 0,
                dashboard_port: int = 0):
    """Dask at `address`, else a LocalCluster of `workers` single-threaded processes on
    loopback (scheduler and its HTTP dashboard on these ports, 0 = any free port: distributed
    serves the dashboard routes even without bokeh, and None does not turn them off)."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": workers, "threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
        "scheduler_port": scheduler_port, "dashboard_address": f"127.0.0.1:{dashboard_port}"})
