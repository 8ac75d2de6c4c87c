"""Keyword relevance: DuckDB's full-text extension (BM25), loaded offline from its PyPI package.

`PRAGMA create_fts_index` tokenises, stems (Porter) and drops English stop words; digits are kept
so "HS2" and "UKSPF" are terms. The extension tokenises each publish's new chunks; their postings
are stored as segments (segments.py) and scored with the extension's BM25 formula (K1, B below,
idf included) over memory-mapped arrays with numpy: no SQL scan per query. This module holds what
indexing and querying share: the extension, the tokeniser's settings, phrases.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

import duckdb

K1 = 1.2
B = 0.75
_IGNORE = r"(\\.|[^a-z0-9])+"
_IGNORE_PATTERN = re.compile(_IGNORE)
_PHRASE = re.compile(r'"([^"]+)"')


def fts_extension_path() -> str:
    version = duckdb.__version__
    path = resources.files("duckdb_extension_fts") / "extensions" / f"v{version}" / (
        "fts.duckdb_extension")
    if not path.is_file():
        raise RuntimeError(f"duckdb-extension-fts for duckdb {version} not installed at {path}")
    return str(path)


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{fts_extension_path()}'")


def split_query(query: str) -> tuple[str, list[str]]:
    """The query's free text and its quoted phrases ("Levelling Up Fund")."""
    phrases = [p.strip() for p in _PHRASE.findall(query) if p.strip()]
    return query.replace('"', " "), phrases


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.findall(r"\w+", phrase.lower())]
    return re.compile(r"\b" + r"\W+".join(words) + r"\b", re.IGNORECASE)


def has_phrases(text: str, phrases: list[str]) -> bool:
    return all(phrase_pattern(p).search(text) for p in phrases)


def tokenize(text: str) -> list[str]:
    """The index's tokeniser (the extension's `tokenize` macro, as configured above) in Python:
    accents stripped, lower case, split on everything but [a-z0-9]."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _IGNORE_PATTERN.sub(" ", stripped.lower()).split()
