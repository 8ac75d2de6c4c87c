"""Run the fault and hostile-input scenarios and print one line each, then a total.

    .venv/bin/python -m bench.reliability_report [--cases 300] [--with-processes]

Scenarios (the same as tests/hardening, measured here rather than asserted):
- every source fault of tests/hardening/test_source_faults.py, served over loopback HTTP by
  tests/support/fault_server.py next to three healthy sources: one run with the faults, one with
  the faults healed. Passed when the source is reported as expected with its reason, the healthy
  sources are stored, and after the healed run the source holds what it serves.
  Records lost = records served by the healed run (and by the healthy sources) but not stored;
  duplicates = stored rows minus distinct URLs.
- a process SIGKILLed inside a warehouse write, then the batch saved again (lost, duplicates).
- the parser fuzz of bench/fuzz_parsers.py (--cases per parser, structured bodies): crashes.
- Retry-After (tests/hardening/test_retry_after.py's crawl): 429 with `Retry-After: 2`, 503
  with an HTTP-date 3 s ahead, and 429 asking for an hour (over the cap): the delay the fault
  server measured between the two requests, or that it was asked only once and reported.
- hostile alert: every check of tests/delivery/test_hostile_alerts.py (email HTML and text,
  Slack, Teams, .ics) on a funding item full of markup, links, mentions and a 10,000-char word.
- delivery faults (tests/support/delivery_faults.py, the servers of smtp_faults.py; the digest
  or the alerts flow run 2-3 times in this process, HORIZON_SEND_RETRIES=2): SMTP answering
  QUIT with 421 after its 250, dropping after the 250, refusing one of two recipients with
  550, replying to the final "." after 2.5 s (socket timeout 1 s, final-reply timeout 10 s),
  never replying in time (final-reply timeout 1 s; healed for the next runs); a webhook slower
  than its timeout (healed for the next runs); a webhook whose 404 quotes the URL's path
  segments and sig=. Lost = recipients due a copy that got none; duplicates = copies beyond
  the first not marked as possible repeats; "twice" = a recipient sent two copies in one run;
  "marked" = copies sent once more after an unknown outcome, with X-Horizon-Possible-Repeat.
- collection loss (issue 12, tests/hardening/test_collection_loss.py): a GOV.UK listing of 25
  items with a cap of 10, three runs (with watermarks, and with --full-refresh); items whose parser
  raises TypeError / RecursionError; a title with each line separator; a truncated feed, then
  healed. Lost = items served but neither stored nor reported; duplicates = rows minus URLs.
- --with-processes: tests/hardening/test_crash_recovery.py (two runs at once, SIGKILL during
  collection and enrichment, then a finishing run; ~2 minutes), reported passed or failed;
  SIGKILL while the digest and while an alert is being sent (the SMTP server holds its reply),
  then a second run: lost = recipients never sent, duplicates = messages received twice; and
  tests/hardening/test_secrets.py (planted secrets searched in every output; ~4 minutes).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from warehouse.config.settings import apply_offline_environment

ROOT = Path(__file__).resolve().parents[1]
apply_offline_environment()
# Prefect's temporary server on a busy machine (issue 12): the same generous wait as `horizon run`.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from bench.fuzz_parsers import fuzz  # noqa: E402
from tests.support.delivery_crash import kill_during_send  # noqa: E402
from tests.support.delivery_faults import EVERYONE, counts, smtp_scenario, webhook_scenario  # noqa: E402
from tests.support.delivery_world import RECIPIENTS  # noqa: E402
from tests.support.hardening_world import (  # noqa: E402
    HEALTHY,
    HEALTHY_NEW,
    KILLED_WRITE,
    crawl_busy_host,
)
from tests.support.parser_cases import PARSERS, bodies, seeds  # noqa: E402
from tests.support.smtp_faults import FaultyWebhook, SmtpBehaviour  # noqa: E402
from tests.support.source_faults import FAULTY, TOLERATED, rows_by_source, run_faults  # noqa: E402
from warehouse.db import connect  # noqa: E402

HEALED_RECORDS = 2  # ok_feed and ok_json serve two records each


def source_faults(base: Path) -> list[tuple[str, bool, int, int]]:
    runs = run_faults(base)
    first, second, stored_first = runs["first"], runs["second"], runs["rows_first"]
    offsite_hits = sum(runs["offsite_hits"].values())
    stored = rows_by_source(runs["db"])
    lines = []
    for name in HEALTHY:
        count, distinct = stored_first.get(name, (0, 0))
        ok = first[name].health == "ok" and count == HEALTHY_NEW[name]
        lines.append((f"healthy source beside faults: {name}", ok,
                      max(HEALTHY_NEW[name] - distinct, 0), count - distinct))
    expected = {n: ("empty" if n == "empty_feed" else "failing", t[3], 0)
                for n, t in FAULTY.items()}
    expected.update({n: (t[2], t[3], t[4]) for n, t in TOLERATED.items()})
    for name, (health, reason, first_records) in expected.items():
        count, distinct = stored.get(name, (0, 0))
        reported = first[name].health == health and reason in " ".join(first[name].errors)
        caught_up = second[name].health == "ok" and distinct == first_records + HEALED_RECORDS
        if name == "redirect_offsite":
            reported = reported and offsite_hits == 0
        lines.append((f"source fault: {name}", reported and caught_up,
                      max(first_records + HEALED_RECORDS - distinct, 0), count - distinct))
    return lines


def killed_write(base: Path) -> tuple[str, bool, int, int]:
    db = str(base / "killed.duckdb")
    run = [sys.executable, "-c", KILLED_WRITE, db]
    killed = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "HORIZON_TEST_KILL_AT": "save_documents"})
    with connect(db, read_only=True) as con:
        half = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    count, distinct = rows_by_source(db).get("t", (0, 0))
    ok = killed.returncode == -signal.SIGKILL and half == 0 and distinct == 50
    return "SIGKILL inside a warehouse write, then saved again", ok, 50 - distinct, \
        count - distinct


def parser_fuzz(cases: int) -> list[tuple[str, bool, int, int]]:
    strategy = bodies(seeds())
    crashed = [name for name in sorted(PARSERS) if fuzz(PARSERS[name], strategy, cases, 0)[
        "crashes"]]
    return [(f"hostile input: {len(PARSERS)} parsers x {cases} cases"
             f" ({len(crashed)} crashing{': ' + ', '.join(crashed) if crashed else ''})",
             not crashed, 0, 0)]


def retry_after(base: Path) -> list[tuple[str, bool, int, int]]:
    def in_three_seconds() -> str:
        return format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)

    lines = []
    for number, (fault, header, low, high) in enumerate([
            ("http_429_then_ok", "2", 2.0, 10.0), ("http_503_then_ok", in_three_seconds, 2.0, 10.0),
            ("http_429_then_ok", "3600", None, None)]):
        report, times, stored = crawl_busy_host(base / f"retry{number}", fault, header)
        label = header if isinstance(header, str) else "HTTP-date +3 s"
        status = fault.split("_")[1]
        if low is None:  # over the cap: asked once, reported failing with the reason
            ok = len(times) == 1 and report.health == "failing" and "Retry-After" in " ".join(
                report.errors)
            lines.append((f"Retry-After {label} on {status} (over the cap): asked {len(times)}x,"
                          f" reported {report.health}", ok, 0, 0))
            continue
        waited = times[1] - times[0] if len(times) > 1 else 0.0
        count = stored.get("busy", 0)
        lines.append((f"Retry-After {label} on {status}: waited {waited:.1f} s, then stored",
                      low <= waited < high and count == 2, max(2 - count, 0), 0))
    return lines


def hostile_alert() -> tuple[str, bool, int, int]:
    """The hostile-alert checks (email, Slack, Teams, .ics), run by pytest in a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA",
         "tests/delivery/test_hostile_alerts.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    outcomes = [line.partition(" ") for line in result.stdout.splitlines()
                if line.startswith(("PASSED tests/", "FAILED tests/", "ERROR tests/"))]
    failed = [test.split("::")[-1].split(" - ")[0].removeprefix("test_hostile_alert_")
              for status, _, test in outcomes if status != "PASSED"]
    ok = bool(outcomes) and not failed
    return (f"hostile alert: {len(outcomes)} checks of email, Slack, Teams, .ics"
            f"{' (failing: ' + ', '.join(failed) + ')' if failed else ''}", ok, 0, 0)


def delivery_kills(base: Path) -> list[tuple[str, bool, int, int]]:
    day = datetime.now(UTC).date().isoformat()
    lines = []
    for what, command, expected in [("digest", ["digest", "--date", day, "--send"], 2),
                                    ("alert", ["alerts", "--send"], 2)]:
        result = kill_during_send(base / f"kill-{what}", command)
        per_recipient = result["per_recipient"]
        lost = sum(1 for r in RECIPIENTS if per_recipient.get(r, 0) == 0)
        messages = len(result["message_ids"])
        duplicates = sum(max(n - 1, 0) for n in per_recipient.values())
        ok = result["held"] and result["killed"] and result["after_kill"] == 0 and \
            result["code"] == 0 and messages == expected and lost == 0 and duplicates == 0
        lines.append((f"SIGKILL while sending the {what} (server holding DATA), next run",
                      ok, lost, duplicates))
    return lines


def delivery_faults(base: Path) -> list[tuple]:
    refused = RECIPIENTS[1]
    smtp = [
        ("SMTP: 250, then QUIT answered 421 (digest, 2 runs)", "digest",
         SmtpBehaviour(quit_reply="421 4.3.2 closing"), EVERYONE, {}, {}),
        ("SMTP: connection dropped after the 250 (digest, 2 runs)", "digest",
         SmtpBehaviour(drop_after_accept=True), EVERYONE, {}, {}),
        ("SMTP: one of two recipients refused with 550 (alert email, 2 runs)", "alerts",
         SmtpBehaviour(refuse={refused}), {RECIPIENTS[0]: 1, refused: 0}, {}, {}),
        ("SMTP: final reply after 2.5 s, socket timeout 1 s (digest, 2 runs)", "digest",
         SmtpBehaviour(final_reply_delay=2.5), EVERYONE, {},
         {"HORIZON_SMTP_TIMEOUT_SECONDS": "1", "HORIZON_SMTP_FINAL_REPLY_TIMEOUT_SECONDS": "10"}),
        ("SMTP: final reply past its timeout, then healed (digest, 3 runs)", "digest",
         SmtpBehaviour(final_reply_delay=3), EVERYONE, {"runs": 3, "heal_after_first": True},
         {"HORIZON_SMTP_FINAL_REPLY_TIMEOUT_SECONDS": "1"}),
    ]
    lines = []
    for number, (name, flow, behaviour, expected, options, env) in enumerate(smtp):
        outcome = smtp_scenario(base / f"smtp{number}", flow, behaviour, **options, **env)
        lost, duplicated, twice = counts(outcome, expected)
        refused_got_it = any(outcome.received.get(r, 0) for r, n in expected.items() if not n)
        ok = not (lost or duplicated or twice or refused_got_it)
        lines.append((name, ok, lost, duplicated, twice, outcome.marked_repeats))
    slow = webhook_scenario(base / "hook-slow", FaultyWebhook(delay=2.5),
                            path="/services/T1/B2/x", heal_after_first=True)
    lost, duplicated, twice = counts(slow, {"slack": 1})
    lines.append(("webhook: slower than its 1 s timeout, then healed (alert, 3 runs)",
                  slow.received == {"slack": 2} and slow.marked_repeats == 1 and not twice,
                  lost, duplicated, twice, slow.marked_repeats))
    pieces = ("tokQ7x9Kp2mZ", "sigH4w8Ln3vR", "segJ5c1Tb6yU")
    quoted = webhook_scenario(base / "hook-quote", FaultyWebhook(quote=True), runs=1,
                              path=f"/workflows/{pieces[2]}/{pieces[0]}?sig={pieces[1]}")
    texts = [str(quoted.rows), *quoted.reports, *quoted.logs]
    leaks = sum(piece in text for text in texts for piece in pieces)
    lines.append((f"webhook: 404 quoting path segments and sig= ({leaks} fragments leaked)",
                  leaks == 0 and "404" in str(quoted.rows), 0, 0, 0, 0))
    return lines


def collection_loss(base: Path) -> list[tuple[str, bool, int, int]]:
    """Issue 12's collection scenarios (constructed items, loopback servers)."""
    from datetime import timedelta

    from tests.support.collection_cases import (
        DEEP,
        ODD,
        SEPARATORS,
        collect_once,
        truncated_feed_runs,
    )
    from tests.support.govuk_server import START, govuk_server, govuk_source

    def rows(db: Path) -> tuple[int, int]:
        with connect(db, read_only=True) as con:
            return con.execute("SELECT count(*), count(DISTINCT url) FROM documents").fetchone()

    def once(url: str, folder: Path, source, **options: bool):
        return collect_once(url, str(folder / "h.duckdb"), str(folder / "work"), [source],
                            **options)[0]

    lines = []
    for full in (False, True):
        folder = base / f"cap-{full}"
        with govuk_server() as (state, url):
            state.add_many(25)
            reports = [once(url, folder, govuk_source(max_items=10), full_refresh=full)
                       for _ in range(3)]
        count, distinct = rows(folder / "h.duckdb")
        ok = distinct == 25 and [r.health for r in reports] == ["degraded", "degraded", "ok"]
        lines.append((f"listing of 25 past a cap of 10, 3 runs{' (--full-refresh)' * full}", ok,
                      25 - distinct, count - distinct))
    folder = base / "odd"
    with govuk_server() as (state, url):
        state.add_many(2)
        for path, extra in ODD.items():
            state.add(path, path, START + timedelta(hours=5), **extra)
        state.add("/government/news/deep", "Deep", START + timedelta(hours=6), body=DEEP)
        report = once(url, folder, govuk_source())
    named = {e.split(": ", 1)[0] for e in report.errors}
    odd = {f"https://www.gov.uk{p}" for p in [*ODD, "/government/news/deep"]}
    count, distinct = rows(folder / "h.duckdb")
    lines.append(("items whose parser raises TypeError/RecursionError: reported by URL",
                  odd <= named and report.health == "degraded" and distinct == 2,
                  len(odd - named) + 2 - distinct, count - distinct))
    folder = base / "separators"
    with govuk_server() as (state, url):
        for n, separator in enumerate(SEPARATORS):
            state.add(f"/government/news/sep-{n}", f"Bus{separator}franchising",
                      START + timedelta(hours=n))
        report = once(url, folder, govuk_source())
    count, distinct = rows(folder / "h.duckdb")
    lines.append((f"titles with {len(SEPARATORS)} line separators (U+2028, U+2029, U+0085...)",
                  distinct == len(SEPARATORS) and report.health == "ok",
                  len(SEPARATORS) - distinct, count - distinct))
    folder = base / "truncated"
    cut, stored_cut, healed = truncated_feed_runs(folder)
    count, distinct = rows(folder / "h.duckdb")
    lines.append(("truncated feed: failing with its reason, nothing stored, then healed",
                  cut.health == "failing" and stored_cut == 0 and healed.new == 2,
                  2 - distinct, count - distinct))
    return lines


def process_scenarios() -> list[tuple[str, bool, int, int]]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/hardening/test_crash_recovery.py", "tests/hardening/test_secrets.py", "-rA"],
        cwd=ROOT, capture_output=True, text=True, timeout=1500)
    lines = []
    for line in result.stdout.splitlines():
        # only pytest's summary lines, not captured log lines that start with "ERROR"
        if line.startswith(("PASSED tests/", "FAILED tests/", "ERROR tests/")):
            status, _, test = line.partition(" ")
            lines.append((f"process: {test.split('::')[-1].split(' - ')[0]}", status == "PASSED",
                          0, 0))
    return lines or [("process scenarios (pytest did not run)", False, 0, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300, help="fuzz cases per parser")
    parser.add_argument("--with-processes", action="store_true",
                        help="also the SIGKILL and two-runs scenarios (about 2 minutes)")
    options = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="horizon-reliability-") as folder:
        base = Path(folder)
        lines = source_faults(base)
        lines.append(killed_write(base))
        lines += retry_after(base)
        lines.append(hostile_alert())
        lines += delivery_faults(base)
        lines += collection_loss(base / "collection")  # issue 12 (collection)
        if options.with_processes:
            lines += delivery_kills(base)
    lines += parser_fuzz(options.cases)
    if options.with_processes:
        lines += process_scenarios()
    lines = [(*line, 0, 0)[:6] for line in lines]  # (name, ok, lost, duplicates, twice, marked)
    width = max(len(name) for name, *_ in lines)
    print(f"{'scenario':{width}}  result  lost  duplicates  twice  marked")
    for name, ok, lost, duplicates, twice, marked in lines:
        print(f"{name:{width}}  {'passed' if ok else 'FAILED':6}  {lost:4d}  {duplicates:10d}"
              f"  {twice:5d}  {marked:6d}")
    passed = sum(line[1] for line in lines)
    print(f"TOTAL {passed}/{len(lines)} passed, {sum(line[2] for line in lines)} records lost,"
          f" {sum(line[3] for line in lines)} duplicates, {sum(line[4] for line in lines)} sent"
          f" twice in one run, {sum(line[5] for line in lines)} marked possible repeats"
          f" ({time.perf_counter() - started:.0f} s)")
    sys.exit(0 if passed == len(lines) else 1)


if __name__ == "__main__":
    main()
