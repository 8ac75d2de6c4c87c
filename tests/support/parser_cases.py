"""Every parser of scrapers/** as a (name, function of bytes) pair, and hostile byte strategies.

Shared by tests/hardening/test_parser_properties.py and bench/fuzz_parsers.py. A parser may
refuse its input only with ParseError; any other exception is a crash.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from scrapers.crawl import parse_crawl_output
from scrapers.dates import parse_text_date, parse_timestamp
from scrapers.feeds import parse_feed
from scrapers.govuk.atom import parse_atom_pages
from scrapers.govuk.parse import parse_content_item
from scrapers.govuk.search import parse_search_page
from scrapers.jsonbody import load_json_any, load_json_object
from scrapers.parliament.bills_rss import parse_bills_feed
from scrapers.parliament.parlparse import parse_parlparse
from scrapers.plan import Context, Fetch
from scrapers.registry import SOURCE_MODULES
from warehouse.config.settings import Settings
from warehouse.config.sources import load_sources
from warehouse.text import html_to_text

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
SEED_FOLDERS = (ROOT / "tests" / "scrapers" / "fixtures", ROOT / "demo" / "snapshot")

Parser = Callable[[bytes], object]
CONFIGURED = load_sources(Settings().config_dir)


def _steps(module_name: str) -> list[str]:
    source = Path(importlib.import_module(module_name).__file__ or "").read_text()
    return sorted({"list", *re.findall(r'step ?=?=? ?"([a-z_]+)"', source)})


def _module_parser(spider: str, module_name: str, step: str) -> Parser:
    """parse() of a source module, with the params of the first configured source using it."""
    module = importlib.import_module(module_name)
    config = next((s for s in CONFIGURED.values() if s.spider == spider), None)
    base = config.base_url if config else "https://example.org"
    ctx = Context(source="fuzz", base_url=base, params=config.params if config else {},
                  fetched_at=AT)
    # A follow-up carries what its listing said (news articles: the story's title and date).
    data = {"title": "Fuzz story", "summary": "", "date": None} if step == "article" else {}
    fetch = Fetch(f"{base}/x", step=step, canonical=f"{base}/x", data=data)
    return lambda body: module.parse(fetch, body, ctx)


def _lines(body: bytes) -> object:
    return parse_crawl_output("fuzz", body.decode("utf-8", "replace").splitlines())


def _text(function: Callable[[str], Any]) -> Parser:
    return lambda body: function(body.decode("utf-8", "replace"))


PARSERS: dict[str, Parser] = {
    "parse_feed": parse_feed,
    "load_json_any": lambda b: load_json_any(b, "fuzz"),
    "load_json_object": lambda b: load_json_object(b, "fuzz"),
    "parse_search_page": parse_search_page,
    "parse_content_item": lambda b: parse_content_item(b, source="fuzz", fetched_at=AT),
    "parse_atom_pages": parse_atom_pages,
    "parse_bills_feed": lambda b: parse_bills_feed(b, source="fuzz", fetched_at=AT),
    "parse_parlparse": lambda b: parse_parlparse(b, source="fuzz", fetched_at=AT),
    "parse_crawl_output": _lines,
    "parse_timestamp": _text(parse_timestamp),
    "parse_text_date": _text(parse_text_date),
    "html_to_text": _text(html_to_text),
    **{f"{spider}.parse[{step}]": _module_parser(spider, module, step)
       for spider, module in sorted(SOURCE_MODULES.items()) for step in _steps(module)},
}


def seeds() -> list[bytes]:
    """Small real bodies (fixtures, demo snapshot) to mutate, so cases get past the first byte."""
    files = sorted(p for folder in SEED_FOLDERS for p in folder.rglob("*")
                   if p.is_file() and p.suffix in {".json", ".xml", ".rss", ".atom", ".html"}
                   and p.stat().st_size < 200_000)
    return [p.read_bytes() for p in files]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["items", "results", "releases", "value", "title", "date", "id",
                         "billId", "shortTitle", "lastUpdate", "links", "grants", "details",
                         "base_path", "public_updated_at", "total", "start"]) | st.text(max_size=8),
        inner, max_size=5),
    max_leaves=20)
_tag = st.sampled_from(["rss", "channel", "item", "feed", "entry", "title", "link", "updated",
                        "publicwhip", "speech", "p", "html", "body", "a", "div", "pubDate"])
_xml = st.recursive(
    st.text(max_size=20).map(lambda t: t.replace("<", "&lt;")),
    lambda inner: st.tuples(_tag, st.lists(inner, max_size=3)).map(
        lambda pair: f"<{pair[0]}>{''.join(pair[1])}</{pair[0]}>"),
    max_leaves=15)


def bodies(seed_bodies: list[bytes]) -> st.SearchStrategy[bytes]:
    mutated = st.tuples(st.sampled_from(seed_bodies), st.integers(0, 10**6),
                        st.binary(max_size=16), st.booleans()).map(
        lambda t: t[0][: t[1] % (len(t[0]) + 1)] + t[2] + (t[0][t[1] % (len(t[0]) + 1):]
                                                             if t[3] else b""))
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8")),
        _json.map(lambda v: json.dumps(v).encode()),
        _xml.map(lambda x: ('<?xml version="1.0"?>' + x).encode("utf-8")),
        mutated,
    )
