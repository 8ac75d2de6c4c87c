"""Every parser and extractor of scrapers/** takes a few thousand hostile bodies (random bytes,
text, JSON-shaped and XML-shaped values, mutated real payloads) without crashing: it returns a
result or refuses with ParseError, never another exception.

The examples are derandomized so the suite gives the same verdict on every run; fresh random
exploration is bench/fuzz_parsers.py's job (run it with new --seed values, and add any crash it
finds here as a fixed example).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings

from scrapers.errors import ParseError
from scrapers.parliament.parlparse import parse_parlparse
from tests.support.parser_cases import PARSERS, bodies, seeds

SEEDS = seeds()
EXAMPLES = 80


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parser_survives_hostile_bodies(name: str) -> None:
    parser = PARSERS[name]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(bodies(SEEDS))
    @example(b'{"value":null}')  # once crashed written_questions.parse[detail]
    def check(body: bytes) -> None:
        with contextlib.suppress(ParseError):
            parser(body)

    check()


def test_parser_parlparse_refuses_external_entities() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE publicwhip [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<publicwhip><speech id="uk.org.publicwhip/debate/2026-11-18a.1.0" speakername="A">'
           b"<p>leak: &x;</p></speech></publicwhip>")
    try:
        documents, _ = parse_parlparse(xxe, source="t", fetched_at=datetime.now(UTC))
    except ParseError:
        return
    assert all("root:" not in d.body_text for d in documents)


def test_parser_seeds_cover_json_and_xml() -> None:
    assert sum(s.lstrip()[:1] in (b"{", b"[") for s in SEEDS) >= 3
    assert sum(s.lstrip()[:1] == b"<" for s in SEEDS) >= 3
