"""Wall time of `horizon search` as a newcomer runs it: in-process (loads the index and the
query encoder on every call, as before issue 11) and through a running `horizon web` (warm).

    .venv/bin/python -m bench.cli_search_latency [--db data/demo.duckdb] [--port 8321] [--runs 3]

Starts its own `horizon web` on loopback for the second half and stops it. Prints the median and
max of each, in seconds, and the machine's load average (2 shared cores: a busy machine is slow).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HORIZON = [sys.executable, "-m", "flows.cli"]
QUERIES = ["bus franchising", "warm homes funding", "zzqx unicorn spaceport",
           "adult skills devolution", "police funding formula"]


def _env(port: int) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HORIZON_WEB_PORT": str(port),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def timed(db: Path, port: int, runs: int) -> list[float]:
    seconds = []
    for i in range(runs):
        for query in QUERIES:
            started = time.perf_counter()
            done = subprocess.run([*HORIZON, "search", query, "--db", str(db), "--limit", "5"],
                                  env=_env(port), capture_output=True, text=True, cwd=ROOT,
                                  check=False)
            seconds.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"horizon search failed (run {i}): {done.stderr[-500:]}")
    return seconds


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=0.5).read()
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=warm+up",
                                   timeout=60).read()  # loads the encoder once
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("horizon web did not start")


def report(name: str, seconds: list[float]) -> None:
    print(f"{name:<34} median {statistics.median(seconds):5.2f} s   max {max(seconds):5.2f} s"
          f"   ({len(seconds)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    parser.add_argument("--port", type=int, default=8321)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    before = timed(args.db, args.port, args.runs)  # nothing listens on the port: in-process
    server = subprocess.Popen([*HORIZON, "web", "--db", str(args.db), "--port", str(args.port)],
                              env=_env(args.port), cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for(args.port, time.monotonic() + 120)
        after = timed(args.db, args.port, args.runs)
    finally:
        server.terminate()
        server.wait(timeout=20)
    report("in-process (before: no server)", before)
    report("through `horizon web` (after)", after)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
