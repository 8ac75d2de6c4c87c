"""FastAPI app: GET /api/search, /api/documents/{id}, /api/similar/{id}, CSV export, the page.

The app reads only the published search replica (never the warehouse itself), so it runs
alongside the daily flow; feedback (web/feedback.py) goes to an inbox file beside the
warehouse. The query encoder is loaded once, on the first query, unless injected.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from nlp.config import load_nlp_config
from nlp.encoder import TextEncoder, load_encoder
from nlp.query_encoder import QueryEncoder
from warehouse.config.profiles import available_profiles
from warehouse.config.settings import get_settings
from warehouse.records import DocumentKind, Signal
from warehouse.search.engine import IndexNotPublished, Searcher
from warehouse.search.floor import strong_results
from warehouse.search.models import DocumentView, SearchFilters, SearchResult
from web.access import TokenGuard, install_log_scrubber
from web.brief import brief_router
from web.docs import install_docs
from web.feedback import OPEN_PATHS, feedback_router
from web.guard import BrowserGuard, allowed_hosts
from web.info import info_router
from web.people import people_router

STATIC = Path(__file__).parent / "static"
CSV_COLUMNS = ("rank", "title", "url", "source", "kind", "published", "themes", "signal",
               "score", "passage")


Q = Annotated[str, Query(max_length=500, description='Words, names, "quoted phrases".')]
Multi = Annotated[list[str] | None, Query()]
Kinds = Annotated[list[DocumentKind] | None, Query()]


def query_filters(profile: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, theme: Multi = None, source: Multi = None,
                  kind: Kinds = None, signal: Signal | None = None, region_only: bool = False,
                  funding_open: bool = False, now: datetime | None = None) -> SearchFilters:
    """The filters the search and its CSV take from the query string (a dependency). No profile
    is "": run_search puts in the app's default and checks the profile, once every parameter
    is validated."""
    return SearchFilters(profile=profile or "", date_from=date_from, date_to=date_to,
                         themes=theme or [], sources=source or [], kinds=kind or [],
                         signal=signal, region_only=region_only, funding_open=funding_open,
                         now=now)


Filters = Annotated[SearchFilters, Depends(query_filters)]


class SearchResponse(BaseModel):
    query: str
    generation: int
    took_ms: float
    results: list[SearchResult]
    strong_match: bool = True  # False: nothing matched well ("no strong match"), results empty
    below_floor: int = 0  # weak results left out (ask with floor=false to see them)


class Facets(BaseModel):
    profile: str
    sources: list[str]
    kinds: list[str]
    themes: list[str]
    signals: list[str]


class _Encoder:
    def __init__(self, encoder: TextEncoder | None, config_dir: Path) -> None:
        self._given = encoder
        self._config_dir = config_dir

    @cached_property
    def model(self) -> QueryEncoder:
        return QueryEncoder(self._given or load_encoder(load_nlp_config(self._config_dir),
                                                         for_queries=True))


def create_app(db_path: Path, encoder: TextEncoder | None = None,
               profile: str | None = None, token: str | None = None,
               host: str | None = None, feedback_secret: str | None = None) -> FastAPI:
    """The search app; with a `token`, every request must carry it (see web/access.py) but the
    signed feedback links (web/feedback.py; `feedback_secret`, default HORIZON_FEEDBACK_SECRET).
    Only requests naming loopback, `host` (the bound address) or the links' host
    (HORIZON_WEB_BASE_URL) in their Host header are served."""
    settings = get_settings()
    searcher = Searcher(db_path)
    model = _Encoder(encoder, settings.config_dir)
    default_profile = profile or settings.profile
    profiles = frozenset(available_profiles(settings.config_dir)) | {default_profile}

    def known(profile: str | None) -> str:
        """The profile asked for, or 422: one cached table per profile, so only real ones."""
        chosen = profile or default_profile
        if chosen not in profiles:
            raise HTTPException(422, f"unknown profile; known: {', '.join(sorted(profiles))}")
        return chosen
    app = FastAPI(title="Horizon search", version="1",
                  description="Hybrid (meaning + keyword) search of the Horizon warehouse.",
                  docs_url=None, redoc_url=None)  # /docs is served offline by web/docs.py

    def run_search(q: str, f: SearchFilters, limit: int, floor: bool = True) -> SearchResponse:
        f = f.model_copy(update={"profile": known(f.profile)})
        started = time.perf_counter()
        try:
            vector = model.model.encode_query(q) if q.strip() else None
            found = searcher.search(q, vector, f, limit)
            generation = searcher.generation
        except IndexNotPublished as error:
            raise HTTPException(503, str(error)) from error
        results = strong_results(found, q) if floor else found
        return SearchResponse(query=q, generation=generation, results=results,
                              strong_match=bool(results) or not found,
                              below_floor=len(found) - len(results),
                              took_ms=round((time.perf_counter() - started) * 1000, 1))

    @app.get("/api/search", response_model=SearchResponse)
    def api_search(f: Filters, q: Q = "", floor: bool = True,
                   limit: Annotated[int, Query(ge=1, le=200)] = 20,
                   person: Annotated[str | None, Query(
                       max_length=200, description="A person_id from /api/people.")] = None,
                   ) -> SearchResponse:
        """Documents best matching the query, each with its best passage and scores.

        Only strong matches (close in meaning, or holding every query word) unless
        `floor=false`; `strong_match` is false when nothing matched well. `funding_open` keeps
        funding open at `now` (default: the real now). `person` keeps the items a person took
        part in (a person_id from /api/people)."""
        return run_search(q, f.model_copy(update={"person": person or None}), limit, floor)

    @app.get("/api/search.csv", response_class=Response)
    def api_search_csv(f: Filters, q: Q = "", floor: bool = True,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
        """The same search as CSV, for a spreadsheet."""
        found = run_search(q, f, limit, floor)
        return Response(render_csv(found.results), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 'attachment; filename="horizon-search.csv"'})

    @app.get("/api/documents/{document_id}", response_model=DocumentView)
    def api_document(document_id: uuid.UUID, profile: str | None = None) -> DocumentView:
        """One document with its enrichment: themes, signal and reasons, funding, cluster."""
        try:
            return searcher.document(document_id, known(profile))
        except KeyError as error:
            raise HTTPException(404, f"no document {document_id}") from error
        except IndexNotPublished as error:
            raise HTTPException(503, str(error)) from error

    @app.get("/api/similar/{document_id}", response_model=SearchResponse)
    def api_similar(document_id: uuid.UUID, profile: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=100)] = 10) -> SearchResponse:
        """More like this: the documents nearest in meaning."""
        started = time.perf_counter()
        try:
            results = searcher.similar(document_id, SearchFilters(profile=known(profile)), limit)
        except KeyError as error:
            raise HTTPException(404, f"no document {document_id}") from error
        except IndexNotPublished as error:
            raise HTTPException(503, str(error)) from error
        return SearchResponse(query=f"like:{document_id}", generation=searcher.generation,
                              results=results,
                              took_ms=round((time.perf_counter() - started) * 1000, 1))

    @app.get("/api/facets", response_model=Facets)
    def api_facets(profile: str | None = None) -> Facets:
        """Values the filters can take in this index."""
        chosen = known(profile)
        try:
            values = searcher.facets(chosen)
        except IndexNotPublished as error:
            raise HTTPException(503, str(error)) from error
        return Facets(profile=chosen, signals=[s.value for s in Signal], **values)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        """422 naming the parameter and the rule, never echoing the (possibly huge) input."""
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"),
             "type": e.get("type", "")} for e in error.errors()]})

    app.include_router(brief_router(db_path, settings.config_dir, searcher,  # issue 15
                                    lambda: model.model, default_profile))
    app.include_router(people_router(searcher, default_profile))  # issue 16
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_docs(app)
    app.include_router(info_router(db_path, default_profile))
    if feedback_secret is None and settings.feedback_secret is not None:
        feedback_secret = settings.feedback_secret.get_secret_value()
    secret = feedback_secret.encode() if feedback_secret else None
    app.include_router(feedback_router(db_path, settings.config_dir, searcher, default_profile,
                                       profiles, secret))  # issue 13
    if token:
        app.add_middleware(TokenGuard, token=token, open_paths=OPEN_PATHS)
        install_log_scrubber()
    # the feedback links' host (HORIZON_WEB_BASE_URL) is this server's too
    link_host = urlsplit(settings.web_base).hostname or ""
    app.add_middleware(BrowserGuard, hosts=allowed_hosts(host, [link_host] if link_host
                                                         else []))  # outermost: Host first
    return app


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in scraped text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(results: list[SearchResult]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rank, r in enumerate(results, 1):
        writer.writerow([rank, _cell(r.title), r.url, r.source, r.kind,
                         r.published_at.date().isoformat() if r.published_at else "",
                         "; ".join(r.themes), r.signal or "", f"{r.score:.5f}",
                         _cell(r.passage.text)])
    return out.getvalue()
