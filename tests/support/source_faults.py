"""Faulty sources for the loss tests and bench/reliability_report.py: every way a source can
misbehave, served over real HTTP on loopback, and one collect run with all the faults at once."""

from __future__ import annotations

from pathlib import Path

from tests.support.fault_server import fault_server
from tests.support.hardening_world import (
    HEALTHY,
    SOURCES,
    collect_with,
    feed_source,
    json_source,
    small_snapshot,
    stored_by_source,
)
from warehouse.db import connect
from warehouse.queries import get_watermark

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
