"""Every way a source can misbehave, over real HTTP on loopback: the run completes, the source is
reported with the reason, every other source's records are stored, and the next healthy run
catches up (watermarks never pass what was not stored).

One collect run with all faults at once, then a second run with every fault healed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from faultserver import fault_server
from world import (
    HEALTHY,
    HEALTHY_NEW,
    SOURCES,
    collect_with,
    feed_source,
    json_source,
    small_snapshot,
    stored_by_source,
)

from warehouse.db import connect
from warehouse.queries import get_watermark
from warehouse.source_state import load_source_states

pytestmark = pytest.mark.slow

# source name -> (host, fault, healthy answer, words the report must give as the reason)
FAULTY = {
    "answers_500": ("e500.example.org", "http_500", "ok_feed", "HTTP 500"),
    "answers_429": ("e429.example.org", "http_429", "ok_feed", "HTTP 429 (Retry-After: 120)"),
    "times_out": ("slow.example.org", "timeout", "ok_feed", "TimeoutError"),
    "hangs_mid_body": ("hang.example.org", "hang_mid_body", "ok_feed", "TimeoutError"),
    "redirect_loop": ("loop.example.org", "redirect_loop", "ok_feed",
                      "max redirections reached"),
    "html_not_json": ("html.example.org", "html_for_json", "ok_json", "expected JSON, got HTML"),
    "truncated_json": ("cut.example.org", "truncated_json", "ok_json", "invalid JSON (truncated?)"),
    "empty_feed": ("empty.example.org", "empty_feed", "ok_feed", "yielded nothing"),
    "huge_body": ("huge.example.org", "huge_body", "ok_feed", "body too large"),
    "redirect_offsite": ("away.example.org", "redirect_offsite", "ok_feed",
                         "refused request to host localhost (redirect)"),
}

# Faults a source survives: (host, fault, health after the first run, words of the reason,
# documents stored by the first run); allowed_hosts for the source that may follow its redirect.
TOLERATED = {
    "impossible_dates": ("dates.example.org", "impossible_dates", "degraded",
                         "unreadable published date 'Mon, 30 Feb 2026", 3),
    "not_utf8": ("latin.example.org", "not_utf8", "ok", "", 1),
    "redirect_refused": ("hop.example.org", "redirect_to_mirror", "failing",
                         "refused request to host mirror.example.org (redirect)", 0),
    "redirect_allowed": ("hop2.example.org", "redirect_to_mirror", "ok", "", 2),
}


def sources_for(names: dict[str, tuple[str, str, str, str]]) -> list:
    made = [SOURCES[n] for n in HEALTHY]
    for name, (host, _, healthy, _) in names.items():
        made.append(json_source(name, host) if healthy == "ok_json" else feed_source(name, host))
    made += [feed_source(n, host, allowed_hosts=["mirror.example.org"] if n == "redirect_allowed"
                         else []) for n, (host, *_) in TOLERATED.items()]
    return made


def rows_by_source(db: str) -> dict[str, tuple[int, int]]:
    """Stored documents per source: (rows, distinct URLs)."""
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT source, count(*), count(DISTINCT url) FROM documents"
                           " GROUP BY source").fetchall()
    return {source: (count, distinct) for source, count, distinct in rows}


def run_faults(base: Path) -> dict:
    """Collect every faulty, tolerated and healthy source once with its fault, then again healed.

    Shared by these tests and bench/reliability_report.py."""
    snapshot = small_snapshot(base / "snapshot")
    db = str(base / "h.duckdb")
    sources = sources_for(FAULTY)
    with fault_server(snapshot) as server, fault_server(snapshot) as elsewhere:
        elsewhere.faults["evil.example.org"] = "ok_feed"
        server.offsite_url = elsewhere.url.replace("127.0.0.1", "localhost") + \
            "/evil.example.org"
        server.faults.update({host: fault for host, fault, _, _ in FAULTY.values()})
        server.faults.update({host: fault for host, fault, *_ in TOLERATED.values()})
        server.faults["mirror.example.org"] = "ok_feed"
        first = {r.source: r for r in collect_with(server.url, db, str(base / "w1"), sources)}
        with connect(db, read_only=True) as con:
            marks = {n: get_watermark(con, n) for n in FAULTY}
        stored_first = stored_by_source(db)
        rows_first = rows_by_source(db)
        offsite_hits = dict(elsewhere.hits)
        server.faults.update({host: healed for host, _, healed, _ in FAULTY.values()})
        server.faults.update({host: "ok_feed" for host, *_ in TOLERATED.values()})
        second = {r.source: r for r in collect_with(server.url, db, str(base / "w2"), sources)}
    return {"first": first, "second": second, "marks": marks, "db": db,
            "stored_first": stored_first, "rows_first": rows_first,
            "offsite_hits": offsite_hits}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return run_faults(tmp_path_factory.mktemp("faults"))


@pytest.mark.parametrize("name", sorted(FAULTY))
def test_fault_source_reported_unhealthy_with_reason(runs: dict, name: str) -> None:
    report = runs["first"][name]
    expected = "empty" if name == "empty_feed" else "failing"
    assert report.health == expected, report.errors
    assert FAULTY[name][3] in " ".join(report.errors)


def test_fault_other_sources_all_stored(runs: dict) -> None:
    assert {n: runs["first"][n].health for n in HEALTHY} == dict.fromkeys(HEALTHY, "ok")
    assert runs["stored_first"] == {**HEALTHY_NEW, **{
        n: t[4] for n, t in TOLERATED.items() if t[4]}}


@pytest.mark.parametrize("name", sorted(TOLERATED))
def test_fault_tolerated_source_stored_and_reported(runs: dict, name: str) -> None:
    _, _, health, reason, stored = TOLERATED[name]
    report = runs["first"][name]
    assert (report.health, report.new) == (health, stored), report.errors
    assert reason in " ".join(report.errors)


def test_fault_latin1_bytes_decoded_not_mangled(runs: dict) -> None:
    with connect(runs["db"], read_only=True) as con:
        titles = [t for (t,) in con.execute(
            "SELECT title FROM documents WHERE source = 'not_utf8' ORDER BY title").fetchall()]
    assert "Caf\xe9 culture \xa3 5m fund" in titles


def test_fault_watermark_not_advanced_for_failed_sources(runs: dict) -> None:
    assert runs["marks"] == dict.fromkeys(FAULTY)


def test_fault_next_healthy_run_catches_up(runs: dict) -> None:
    second = runs["second"]
    assert {n: (second[n].health, second[n].new) for n in FAULTY} == dict.fromkeys(
        FAULTY, ("ok", 2))
    stored = stored_by_source(runs["db"])
    assert stored == {**HEALTHY_NEW, **dict.fromkeys(FAULTY, 2), **{
        n: t[4] + 2 for n, t in TOLERATED.items()}}
    with connect(runs["db"], read_only=True) as con:
        states = load_source_states(con)
        marks = {n: get_watermark(con, n) for n in FAULTY}
    assert all(states[n].last_health == "ok" and states[n].runs == 2 for n in FAULTY)
    assert all(marks.values())


def test_fault_offsite_redirect_never_reaches_the_other_host(runs: dict) -> None:
    assert runs["offsite_hits"] == {}


def test_fault_huge_body_refused_before_it_is_read(runs: dict) -> None:
    reason = " ".join(runs["first"]["huge_body"].errors)
    assert "over DOWNLOAD_MAXSIZE (33554432 bytes)" in reason
