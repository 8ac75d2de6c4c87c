"""Every way a source can misbehave, over real HTTP on loopback: the run completes, the source is
reported with the reason, every other source's records are stored, and the next healthy run
catches up (watermarks never pass what was not stored).

One collect run with all faults at once, then a second run with every fault healed.
"""

from __future__ import annotations

import pytest

from tests.support.hardening_world import HEALTHY, HEALTHY_NEW, stored_by_source
from tests.support.source_faults import FAULTY, TOLERATED, run_faults
from warehouse.db import connect
from warehouse.queries import get_watermark
from warehouse.source_state import load_source_states

pytestmark = pytest.mark.slow


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
