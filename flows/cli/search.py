"""`horizon search`, `horizon index check|rebuild` and `horizon web`: ad hoc search commands."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from flows.cli.common import fail, parse_day

console = Console()
index_app = typer.Typer(help="Check or rebuild the search index beside the warehouse.",
                        no_args_is_help=True)

DbOption = Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")]



def _db(db: Path | None) -> Path:
    from warehouse.config.settings import get_settings

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
    theme: Annotated[list[str] | None, typer.Option(
        help="Theme id or display name, e.g. Transport (repeatable; `horizon themes` lists them)."
    )] = None,
    source: Annotated[list[str] | None, typer.Option(help="Source name (repeatable).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Document kind (repeatable).")] = None,
    signal: Annotated[str | None, typer.Option(help="threat, opportunity or neutral.")] = None,
    region_only: Annotated[bool, typer.Option(help="Only region-relevant documents.")] = False,
    funding_open: Annotated[bool, typer.Option(
        help="Only funding (calls, grants, tenders) open at --now.")] = False,
    now: Annotated[str | None, typer.Option(
        help="For --funding-open: YYYY-MM-DD[THH:MM] (default: the real now).")] = None,
    like: Annotated[str | None, typer.Option(help="More like this document id.")] = None,
    person: Annotated[str | None, typer.Option(help="Only items this person took part in "
                                               "(id or name; `horizon people`).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Results to show.")] = 10,
    floor: Annotated[bool, typer.Option(
        help="Only strong matches; --no-floor shows weak ones too.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Search the warehouse: hybrid meaning + keyword search, with filters.

    Uses a running `horizon web` for the same warehouse when there is one (port
    HORIZON_WEB_PORT, default 8000): answers in well under a second."""
    from pydantic import ValidationError

    from flows.cli.themes import UnknownTheme, load_search_profile, resolve_themes
    from warehouse.config.settings import get_settings

    settings = get_settings()
    if not query.strip() and not like:
        fail("give a QUERY or --like DOCUMENT_ID")
    active = load_search_profile(settings.config_dir, profile or settings.profile)
    try:
        theme_ids = resolve_themes(active, theme or [])
    except UnknownTheme as error:
        fail(str(error))
    at = _parse_now(now)
    path = _db(db)
    if not like and not person:  # a person is resolved against the replica here
        answer = _via_web(path, settings.web_port, query, active.id, since, until, theme_ids,
                          source, kind, signal, region_only, funding_open, at, limit, floor)
        if answer is not None:
            _show(query, answer.results, answer.strong_match, as_json, answer.below_floor)
            return
    from warehouse.search.models import SearchFilters

    try:
        filters = SearchFilters(
            profile=active.id, date_from=parse_day(since, "--from"),
            date_to=parse_day(until, "--to"), themes=theme_ids, sources=source or [],
            kinds=kind or [], signal=signal, region_only=region_only, funding_open=funding_open,
            now=at)
    except ValidationError as error:
        fail(f"bad filter: {error.errors()[0]['loc'][0]}: {error.errors()[0]['msg']}")
    results, below = _search_here(path, settings, query, like, filters, limit, floor, person)
    _show(query or f"like {like}", [r.model_dump(mode="json") for r in results],
          bool(results) or not below, as_json, below)


def _parse_now(value: str | None):
    from datetime import UTC, datetime

    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _via_web(path: Path, port: int, query: str, profile: str, since, until, themes, sources,
             kinds, signal, region_only, funding_open, at, limit, floor):
    from flows.cli.search_remote import search_via_web
    from web.access import WebSettings

    params = [("q", query), ("profile", profile), ("limit", str(limit)),
              ("floor", str(floor).lower())]
    params += [("date_from", parse_day(since, "--from").isoformat())] if since else []
    params += [("date_to", parse_day(until, "--to").isoformat())] if until else []
    params += [("theme", t) for t in themes] + [("source", s) for s in sources or []]
    params += [("kind", k) for k in kinds or []] + ([("signal", signal)] if signal else [])
    params += [("region_only", "true")] if region_only else []
    params += [("funding_open", "true")] if funding_open else []
    params += [("now", at.isoformat())] if at else []
    secret = WebSettings().web_token
    return search_via_web(path, port, params, secret.get_secret_value() if secret else None)


def _search_here(path: Path, settings, query: str, like: str | None, filters, limit: int,
                 floor: bool, person: str | None = None) -> tuple[list, int]:
    """Search in this process: loads the index, and the query encoder (a few seconds)."""
    from warehouse.search.engine import IndexNotPublished, Searcher
    from warehouse.search.floor import strong_results

    searcher = Searcher(path)
    if person:  # issue 16
        filters = filters.model_copy(update={"person": _person_id(searcher, filters, person)})
    try:
        if like:
            try:
                return searcher.similar(uuid.UUID(like), filters, limit), 0
            except (ValueError, KeyError):
                fail(f"no document {like!r} in the search index")
        from nlp.config import load_nlp_config
        from nlp.query_encoder import load_query_encoder

        vector = load_query_encoder(load_nlp_config(settings.config_dir)).encode_query(query)
        found = searcher.search(query, vector, filters, limit)
    except IndexNotPublished as error:
        fail(str(error))
    kept = strong_results(found, query) if floor else found
    return kept, len(found) - len(kept)


def _show(title: str, results: list[dict], strong: bool, as_json: bool, below: int) -> None:
    if as_json:
        print(json.dumps(results, indent=2))
        return
    if not strong:
        console.print(_plain(f"No strong match for {title}: nothing in the index is close to "
                             f"it ({below} weak results left out; --no-floor shows them)."))
        return
    print_results(title, results)


def _person_id(searcher, filters, ref: str) -> str:
    from warehouse.people_activity import find_person
    from warehouse.search.engine import IndexNotPublished

    try:
        found = find_person(searcher.replica_cursor(), filters.profile, ref)
    except IndexNotPublished as error:
        fail(str(error))
    if len(found) != 1:
        fail(f"--person {ref!r} matches {len(found)} people; give an id from `horizon people`")
    return found[0].person_id


def _plain(text: str, style: str = "") -> Text:
    """Scraped or typed text as inert terminal text: no markup, no control sequences."""
    from warehouse.text import strip_control

    return Text(strip_control(text), style=style)


def print_results(title: str, results: list[dict], out: Console | None = None) -> None:
    """One block per result, within 80 columns; the URL on a line of its own, never cut."""
    out = out or console
    out.print(_plain(f"{len(results)} result{'s' if len(results) != 1 else ''} for {title}",
                     "bold"))
    for rank, r in enumerate(results, 1):
        day = (r.get("published_at") or "")[:10] or "undated"
        head = _plain(f"\n{rank}. ", "bold")
        head.append_text(_plain(r["title"], "bold"))
        out.print(head)
        meta = f"{r['source']} · {r['kind']} · {day}"
        if r.get("themes") or (r.get("signal") and r["signal"] != "neutral"):
            meta += f" · {', '.join(r.get('themes') or [])} {r.get('signal') or ''}".rstrip()
        out.print(Padding(_plain(meta.strip(), "dim"), (0, 0, 0, 3), expand=False))
        # soft_wrap: the terminal wraps a long URL itself, so copying it gives it whole
        out.print(_plain(f"   {r['url']}", "blue"), soft_wrap=True)
        passage = r["passage"]
        text = _plain(passage["text"])  # one character for one: highlight spans hold
        for start, end in passage.get("highlights") or []:
            text.stylize("bold yellow", start, end)
        out.print(Padding(text, (0, 0, 0, 3), expand=False))
        s = r["scores"]
        why = (f"why: fused {s['fused']:.4f} · meaning #{s.get('dense_rank') or '-'}"
               f" ({s.get('dense_score') or 0:.2f}) · keyword #{s.get('keyword_rank') or '-'}"
               f" ({s.get('keyword_score') or 0:.1f}) · {s.get('matched_chunks', 0)} passages")
        out.print(Padding(_plain(why, "dim"), (0, 0, 0, 3), expand=False))


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
    from flows.runtime.lock import RunInProgress, warehouse_lock
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
    port: Annotated[int | None, typer.Option(
        help="Port (default HORIZON_WEB_PORT, 8000).")] = None,
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
    from warehouse.config.settings import get_settings

    port = port or get_settings().web_port
    app = create_app(_db(db), token=token, host=host)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Horizon search on http://{shown}:{port}/ (API docs at /docs)",
                  highlight=False, markup=False)
    if token:
        console.print(f"Token required ({TOKEN_ENV}): send `Authorization: Bearer <token>`, or "
                      f"open http://{shown}:{port}/?token=<token> once in the browser.",
                      highlight=False, markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
