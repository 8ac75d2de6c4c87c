"""Keyword relevance: DuckDB's full-text extension (BM25), loaded offline from its PyPI package.

`PRAGMA create_fts_index` tokenises, stems (Porter) and drops English stop words; digits are kept
so "HS2" and "UKSPF" are terms. The index is rebuilt whole when the replica is published. For
speed at a million chunks, a term-sorted `postings` table (term, chunk, tf, length, BM25 impact,
rank of the impact within the term) is derived from it, so a query reads only the row groups of
its terms, and without filters or phrases only each term's best TERM_DEPTH postings; scores are
the extension's own BM25.
"""

from __future__ import annotations

import re
from importlib import resources

import duckdb
import numpy as np

K1 = 1.2
B = 0.75
# Unfiltered, phrase-free queries read only each term's TERM_DEPTH highest-impact postings
# (impact-ordered early termination): exact for terms in fewer chunks, approximate for common
# ones. bench/search.py reports the overlap with exhaustive BM25. 0 = always exhaustive.
TERM_DEPTH = 5_000
_IGNORE = r"(\\.|[^a-z0-9])+"
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


def build_keyword_index(con: duckdb.DuckDBPyConnection) -> None:
    """Full-text index over chunks(vid, text), then the term-sorted postings derived from it."""
    load_fts(con)
    con.execute(
        "PRAGMA create_fts_index('chunks', 'vid', 'text', stemmer = 'porter',"
        f" stopwords = 'english', ignore = '{_IGNORE}', strip_accents = 1, lower = 1,"
        " overwrite = 1)"
    )
    con.execute("DROP TABLE IF EXISTS postings")
    con.execute(
        "CREATE TABLE postings AS WITH p AS (SELECT t.termid, d.name AS vid,"
        " count(*)::INTEGER AS tf, any_value(d.len)::INTEGER AS len FROM fts_main_chunks.terms t"
        " JOIN fts_main_chunks.docs d ON d.docid = t.docid GROUP BY t.termid, d.name),"
        " i AS (SELECT p.*, log10((s.num_docs - d.df + 0.5) / (d.df + 0.5) + 1) * p.tf * (? + 1)"
        " / (p.tf + ? * (1 - ? + ? * p.len / s.avgdl)) AS impact FROM p"
        " JOIN fts_main_chunks.dict d USING (termid), fts_main_chunks.stats s)"
        " SELECT *, row_number() OVER (PARTITION BY termid ORDER BY impact DESC, vid)::INTEGER"
        " AS r FROM i ORDER BY termid, r", [K1, K1, B, B],
    )


def split_query(query: str) -> tuple[str, list[str]]:
    """The query's free text and its quoted phrases ("Levelling Up Fund")."""
    phrases = [p.strip() for p in _PHRASE.findall(query) if p.strip()]
    return query.replace('"', " "), phrases


def query_terms(con: duckdb.DuckDBPyConnection, text: str) -> list[tuple[int, float]]:
    """(termid, idf) of the query's indexed terms, tokenised and stemmed as the index was."""
    rows = con.execute(
        "WITH q AS (SELECT DISTINCT stem(unnest(fts_main_chunks.tokenize(?)), 'porter') AS t)"
        " SELECT d.termid, log10((s.num_docs - d.df + 0.5) / (d.df + 0.5) + 1)"
        " FROM fts_main_chunks.dict d JOIN q ON d.term = q.t, fts_main_chunks.stats s",
        [text],
    ).fetchall()
    return [(int(termid), float(idf)) for termid, idf in rows]


def keyword_search(con: duckdb.DuckDBPyConnection, query: str, k: int,
                   allowed_sql: str | None = None, allowed_params: list | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Top-k chunk vids by BM25 (any query term); quoted phrases must appear in the chunk."""
    text, phrases = split_query(query)
    terms = query_terms(con, text)
    if not terms:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    if not allowed_sql and not phrases and TERM_DEPTH:
        try:
            return _top_impacts(con, [termid for termid, _ in terms], k)
        except duckdb.BinderException:  # a replica published before impacts: exhaustive
            pass
    required = {termid for termid, _ in query_terms(con, " ".join(phrases))} if phrases else set()
    values = ", ".join(f"({termid}, {idf!r}::DOUBLE)" for termid, idf in terms)
    ids = ", ".join(str(termid) for termid, _ in terms)
    sql = [
        "SELECT p.vid, sum(q.idf * p.tf * (? + 1) / (p.tf + ? * (1 - ? + ? * p.len / s.avgdl)))"
        " AS score FROM postings p JOIN (VALUES " + values + ") q(termid, idf)"
        " ON p.termid = q.termid, fts_main_chunks.stats s WHERE p.termid IN (" + ids + ")"
    ]
    params: list = [K1, K1, B, B]
    if allowed_sql:
        sql.append(f" AND p.vid IN ({allowed_sql})")
        params += allowed_params or []
    sql.append(" GROUP BY p.vid")
    if required:
        listed = ", ".join(str(int(t)) for t in sorted(required))
        sql.append(f" HAVING count(*) FILTER (WHERE p.termid IN ({listed})) = ?")
        params.append(len(required))
    sql.append(" ORDER BY score DESC, p.vid LIMIT ?")
    params.append(k * 4 if phrases else k)
    rows = con.execute("".join(sql), params).fetchall()
    if phrases and rows:
        rows = _with_phrases(con, rows, phrases)[:k]
    vids = np.array([row[0] for row in rows], dtype=np.int64)
    return vids, np.array([row[1] for row in rows], dtype=np.float32)


def _top_impacts(con: duckdb.DuckDBPyConnection, termids: list[int], k: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """BM25 summed over each term's TERM_DEPTH best postings (precomputed impacts)."""
    # One equality per term, so each branch reads only its term's row group(s): with an IN
    # list DuckDB scans the whole termid column (3x slower at 100k chunks).
    branches = " UNION ALL ".join(
        f"SELECT vid, impact FROM postings WHERE termid = {int(termid)} AND r <= {TERM_DEPTH:d}"
        for termid in termids)
    rows = con.execute(
        f"SELECT vid, sum(impact) AS score FROM ({branches})"
        " GROUP BY vid ORDER BY score DESC, vid LIMIT ?", [k]).fetchall()
    return (np.array([row[0] for row in rows], dtype=np.int64),
            np.array([row[1] for row in rows], dtype=np.float32))


def phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in re.findall(r"\w+", phrase.lower())]
    return r"(?i)\b" + r"\W+".join(words) + r"\b"


def _with_phrases(con: duckdb.DuckDBPyConnection, rows: list[tuple], phrases: list[str]
                  ) -> list[tuple]:
    keep = chunks_with_phrases(con, [row[0] for row in rows], phrases)
    return [row for row in rows if row[0] in keep]


def chunks_with_phrases(con: duckdb.DuckDBPyConnection, vids: list[int], phrases: list[str]
                        ) -> set[int]:
    if not vids:
        return set()
    conditions = " AND ".join("regexp_matches(text, ?)" for _ in phrases)
    rows = con.execute(
        f"SELECT vid FROM chunks WHERE vid IN ({', '.join(str(int(v)) for v in vids)})"
        f" AND {conditions}", [phrase_pattern(p) for p in phrases],
    ).fetchall()
    return {row[0] for row in rows}
