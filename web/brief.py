"""GET /api/brief: a briefing paper on a search (query and filters), a story or a document.

Unlike search, a brief reads the warehouse itself (read-only: it needs the full stored text to
quote), so while a run is writing it the endpoint answers 503 and the page can retry.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from delivery.brief.docx import render_docx
from delivery.brief.model import Brief, NothingMatches
from delivery.brief.render import render_html, render_markdown, render_pdf
from delivery.brief.retrieve import BriefRequest, Encoder
from delivery.brief.service import BriefService, WarehouseBusy
from delivery.brief.trace import UntraceableBrief
from warehouse.config.profiles import ProfileError
from warehouse.records import DocumentKind, Signal
from warehouse.search.engine import IndexNotPublished, Searcher
from warehouse.search.models import SearchFilters

_MEDIA = {"md": "text/markdown; charset=utf-8",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "pdf": "application/pdf"}


def brief_router(db_path: Path, config_dir: Path, searcher: Searcher,
                 encoder: Callable[[], Encoder], default_profile: str) -> APIRouter:
    router = APIRouter()
    services: dict[str, BriefService] = {}

    def service() -> BriefService:
        if "one" not in services:  # the encoder loads on the first brief, not at start-up
            services["one"] = BriefService(db_path, config_dir, encoder(), searcher=searcher)
        return services["one"]

    @router.get("/api/brief", response_model=Brief, responses={
        404: {"description": "Nothing in the warehouse matches; `nearest` lists topics"},
        503: {"description": "No search index yet, or a run is writing the warehouse"}})
    def api_brief(q: Annotated[str, Query(max_length=500, description="The topic.")] = "",
                  story: uuid.UUID | None = None, like: uuid.UUID | None = None,
                  profile: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]*$")] = None,
                  date_from: date | None = None,
                  date_to: date | None = None,
                  theme: Annotated[list[str] | None, Query()] = None,
                  source: Annotated[list[str] | None, Query()] = None,
                  kind: Annotated[list[DocumentKind] | None, Query()] = None,
                  signal: Signal | None = None, region_only: bool = False,
                  funding_open: bool = False,
                  format: Literal["json", "html", "md", "docx", "pdf"] = "json"):
        """A briefing paper (extractive; every quote verbatim in its cited source), as JSON or
        rendered as HTML, Markdown, Word or PDF."""
        chosen = profile or default_profile
        filters = SearchFilters(profile=chosen, themes=theme or [], sources=source or [],
                                kinds=kind or [], signal=signal, region_only=region_only,
                                funding_open=funding_open)
        request = BriefRequest(topic=q, since=date_from, until=date_to, story=story,
                               like=like, filters=filters)
        try:
            paper = service().brief(request, chosen)
            if format == "json":
                return paper
            if format == "html":
                return HTMLResponse(render_html(paper))
            content = {"md": render_markdown, "docx": render_docx, "pdf": render_pdf}[format](
                paper)
        except NothingMatches as error:
            return JSONResponse(status_code=404, content={"detail": str(error),
                                                          "nearest": error.nearest})
        except (IndexNotPublished, WarehouseBusy) as error:
            raise HTTPException(503, str(error)) from error
        except ProfileError as error:
            raise HTTPException(400, str(error)) from error
        except UntraceableBrief as error:
            raise HTTPException(500, str(error)) from error
        name = re.sub(r"[^a-z0-9]+", "-", paper.topic.lower()).strip("-")[:60] or "brief"
        return Response(content, media_type=_MEDIA[format], headers={
            "Content-Disposition": f'attachment; filename="brief-{name}.{format}"'})

    return router
