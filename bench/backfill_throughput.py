"""Backfill enrichment fan-out: documents per second with 1 worker against 2, same input.

    nice -n 19 .venv/bin/python -m bench.backfill_throughput [--docs 48] [--batch 8]
                                                             [--workers 1 2]

The enrichment batches of `horizon backfill` (flows/backfill.py's `enrich_batch`, the same
function the Dask task runs: its own encoder and profile kit per worker process) on a Dask
LocalCluster of N single-threaded worker processes, as the backfill's DaskTaskRunner starts it.
Collection is left out: replaying the snapshot re-crawls a source per window (a scrapy child
process each), which measures the crawler, not the fan-out. Documents: recorded GOV.UK content
items of the samples folder. Each worker enriches one warm-up batch first (model and kit load:
timed apart); then every batch is submitted and the wall time to the last result is the
measure. Prints the load average with every timing: on a shared machine the ratio is the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config.settings import Settings, apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()


def _documents(settings: Settings, count: int) -> list:
    from scrapers.errors import ParseError
    from scrapers.govuk.parse import parse_content_item

    now = datetime.now(UTC)
    paths = sorted((settings.samples_dir / "govuk/content_api").glob("*/*.json"))
    documents = []
    for path in paths:
        try:
            document = parse_content_item(path.read_bytes(), source="govuk", fetched_at=now)
        except ParseError:
            continue
        if document.body_text:
            documents.append(document)
        if len(documents) == count:
            break
    return documents


def run(workers: int, documents: list, batch: int, settings: Settings) -> dict:
    from dask.distributed import Client, LocalCluster

    from flows.tasks.backfill_windows import enrich_batch

    batches = [documents[i:i + batch] for i in range(0, len(documents), batch)]
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    try:
        addresses = list(client.scheduler_info()["workers"])
        load_start = os.getloadavg()[0]
        t = time.perf_counter()
        warm = [client.submit(enrich_batch.fn, documents[:2], "wmca", settings.config_dir,
                              workers=[a], pure=False) for a in addresses]
        client.gather(warm)
        warm_s = time.perf_counter() - t
        t = time.perf_counter()
        futures = [client.submit(enrich_batch.fn, b, "wmca", settings.config_dir, pure=False)
                   for b in batches]
        enriched = sum(len(r) for r in client.gather(futures))
        seconds = time.perf_counter() - t
    finally:
        _close(client, cluster)
    return {"workers": workers, "documents": len(documents), "enriched": enriched,
            "batches": len(batches), "warm_up_s": round(warm_s, 1), "seconds": round(seconds, 1),
            "docs_per_s": round(len(documents) / seconds, 3),
            "load_start": round(load_start, 1), "load_end": round(os.getloadavg()[0], 1)}


def _close(client, cluster) -> None:
    """On a loaded machine the workers can take longer to stop than distributed waits: the
    figures are taken by then, so a slow shutdown is reported, not raised."""
    for closing in (client, cluster):
        try:
            closing.close()
        except TimeoutError:
            print(f"({type(closing).__name__} took too long to close)", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=48)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    settings = Settings()
    documents = _documents(settings, args.docs)
    print(f"{len(documents)} documents (recorded GOV.UK samples), batches of {args.batch}; "
          f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    results = []
    for workers in args.workers:
        results.append(run(workers, documents, args.batch, settings))
        r = results[-1]
        print(f"{workers} worker(s): {r['docs_per_s']} documents/s ({r['seconds']} s for "
              f"{r['documents']}, warm-up {r['warm_up_s']} s, load {r['load_start']}-"
              f"{r['load_end']})", flush=True)
    if len(results) > 1:
        print(f"speed-up {results[-1]['workers']} vs {results[0]['workers']} workers: "
              f"{results[-1]['docs_per_s'] / results[0]['docs_per_s']:.2f}x")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
