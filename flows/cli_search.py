"""`horizon search`, `horizon index check|rebuild` and `horizon web`: ad hoc search commands."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.cli_common import fail, parse_day

console = Console()
index_app = typer.Typer(help="Check or rebuild the search index beside the warehouse.",
                        no_args_is_help=True)

DbOption = Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")]
# Terminal control characters (ESC sequences, C1 codes) in scraped text or a query: never printed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")



def _db(db: Path | None) -> Path:
    from warehouse.settings import get_settings

    path = db or get_settings().database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    return path



def search(
    query: Annotated[str, typer.Argument(help='Words, names or "quoted phrases".')] = "",
    db: DbOption = None,
    profile: Annotated[str | None, typer.Option(help="Profile whose themes and signals to use."
                                                )] = None,
    since: Annotated[str | None, typer.Option("--from", help="Published on or after YYYY-MM-DD."
                                              )] = None,
    until: Annotated[str | None, typer.Option("--to", help="Published on or before YYYY-MM-DD."
                                              )] = None,
    theme: Annotated[list[str] | None, typer.Option(help="Theme id (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Source name (repeatable).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Document kind (repeatable).")] = None,
    signal: Annotated[str | None, typer.Option(help="threat, opportunity or neutral.")] = None,
    region_only: Annotated[bool, typer.Option(help="Only region-relevant documents.")] = False,
    funding_open: Annotated[bool, typer.Option(help="Only funding open now.")] = False,
    like: Annotated[str | None, typer.Option(help="More like this document id.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Results to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Search the warehouse: hybrid meaning + keyword search, with filters."""
    from pydantic import ValidationError

    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder
    from warehouse.search.engine import IndexNotPublished, Searcher
    from warehouse.search.models import SearchFilters
    from warehouse.settings import get_settings

    settings = get_settings()
    if not query.strip() and not like:
        fail("give a QUERY or --like DOCUMENT_ID")
    try:
        filters = SearchFilters(
            profile=profile or settings.profile, date_from=parse_day(since, "--from"),
            date_to=parse_day(until, "--to"), themes=theme or [], sources=source or [],
            kinds=kind or [], signal=signal, region_only=region_only, funding_open=funding_open)
    except ValidationError as error:
        fail(f"bad filter: {error.errors()[0]['loc'][0]}: {error.errors()[0]['msg']}")
    searcher = Searcher(_db(db))
    try:
        if like:
            try:
                results = searcher.similar(uuid.UUID(like), filters, limit)
            except (ValueError, KeyError):
                fail(f"no document {like!r} in the search index")
        else:
            vector = load_query_encoder(load_nlp_config(settings.config_dir)).encode_query(
                query)
            results = searcher.search(query, vector, filters, limit)
    except IndexNotPublished as error:
        fail(str(error))
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
        return
    console.print(results_table(query or f"like {like}", results))


def _plain(text: str, style: str = "") -> Text:
    """Scraped or typed text as inert terminal text: no markup, no control sequences."""
    return Text(_CONTROL.sub(" ", text), style=style)


def results_table(title: str, results: list) -> Table:
    table = Table(title=_plain(f"{len(results)} results for {title}"), show_lines=True,
                  expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("document", ratio=2)
    table.add_column("best passage", ratio=3)
    table.add_column("why", ratio=1)
    for rank, result in enumerate(results, 1):
        day = result.published_at.date().isoformat() if result.published_at else "undated"
        head = _plain(result.title)
        head.stylize("bold")
        head.append_text(_plain(f"\n{result.source} · {result.kind} · {day}", "dim"))
        if result.themes or result.signal:
            head.append_text(_plain(f"\n{', '.join(result.themes)} {result.signal or ''}",
                                    "cyan"))
        head.append_text(_plain(f"\n{result.url}", "blue"))
        passage = _plain(result.passage.text)  # one character for one: highlight spans hold
        for start, end in result.passage.highlights:
            passage.stylize("bold yellow", start, end)
        s = result.scores
        why = Text(f"fused {s.fused:.4f}\n"
                   f"meaning #{s.dense_rank or '-'} ({s.dense_score or 0:.2f})\n"
                   f"keyword #{s.keyword_rank or '-'} ({s.keyword_score or 0:.1f})\n"
                   f"{s.matched_chunks} passages")
        table.add_row(str(rank), head, passage, why)
    return table


@index_app.command("check")
def index_check(db: DbOption = None) -> None:
    """Prove the search index and the warehouse hold the same chunks (exit 1 if not)."""
    import duckdb

    from warehouse.db import connect
    from warehouse.search.check import check_search_index

    path = _db(db)
    try:
        con = connect(path, read_only=True)
    except duckdb.IOException:
        fail(f"{path} is being written by a run; check again when it finishes")
    with con:
        check = check_search_index(con, path)
    console.print(f"generation {check.generation} ({check.index_kind}): warehouse "
                  f"{check.warehouse_chunks} chunks, index {check.replica_chunks} chunks, "
                  f"{check.vector_count} vectors")
    for problem in check.problems:
        console.print(f"[red]- {problem}[/red]")
    if not check.ok:
        console.print("Repair with `horizon index rebuild` (or the next `horizon run`).")
        raise typer.Exit(code=1)
    console.print("[green]consistent[/green]")


@index_app.command("rebuild")
def index_rebuild(
    db: DbOption = None,
    full: Annotated[bool, typer.Option(help="Rebuild from scratch, not incrementally.")] = True,
) -> None:
    """Publish the search index again from the warehouse (repairs what `check` finds)."""
    from flows.lock import RunInProgress, warehouse_lock
    from warehouse.db import connect
    from warehouse.search.replica import publish_search_index

    path = _db(db)
    try:
        with warehouse_lock(path), connect(path) as con:
            report = publish_search_index(con, path, full=full)
    except RunInProgress as error:
        fail(str(error))
    console.print(f"published generation {report.generation}: {report.chunks} chunks "
                  f"({report.index_kind}, +{report.added} -{report.removed}) "
                  f"in {report.seconds:.1f}s")


def web(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the search page and HTTP API (OpenAPI at /docs) from the published index.

    Off loopback it needs HORIZON_WEB_TOKEN in the environment, and refuses to start without it.
    """
    import uvicorn

    from web.access import TOKEN_ENV, AccessError, WebSettings, check_bind
    from web.app import create_app

    secret = WebSettings().web_token
    token = secret.get_secret_value() if secret else None
    try:
        check_bind(host, token)
    except AccessError as error:
        fail(str(error))
    app = create_app(_db(db), token=token, host=host)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Horizon search on http://{shown}:{port}/ (API docs at /docs)",
                  highlight=False, markup=False)
    if token:
        console.print(f"Token required ({TOKEN_ENV}): send `Authorization: Bearer <token>`, or "
                      f"open http://{shown}:{port}/?token=<token> once in the browser.",
                      highlight=False, markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
