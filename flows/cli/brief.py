"""`horizon brief "TOPIC"`: a briefing paper from the warehouse, in HTML, PDF, Word, Markdown."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.cli.common import fail, parse_day

console = Console()


def brief(
    topic: Annotated[str, typer.Argument(help="What the paper is about.")] = "",
    since: Annotated[str | None, typer.Option(help="Sources published on or after YYYY-MM-DD."
                                              )] = None,
    until: Annotated[str | None, typer.Option(
        help="Sources published on or before YYYY-MM-DD; also the day deadlines count from."
    )] = None,
    profile: Annotated[str | None, typer.Option(help="Authority profile.")] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the paper.")] = None,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: html,pdf,docx,md."
                                         )] = "html,pdf,docx,md",
    story: Annotated[str | None, typer.Option(help="Brief on a story cluster id.")] = None,
    like: Annotated[str | None, typer.Option(help="Brief on a document and those like it."
                                             )] = None,
) -> None:
    """Write a briefing paper on a topic, a story or a document (extractive, every sentence
    cited); exit 1 when nothing in the warehouse matches."""
    from delivery.brief.model import NothingMatches
    from delivery.brief.render import FORMATS, write_brief
    from delivery.brief.retrieve import BriefRequest
    from delivery.brief.service import QUERY_THREADS, BriefService, WarehouseBusy
    from delivery.brief.trace import UntraceableBrief
    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder
    from warehouse.config.profiles import ProfileError
    from warehouse.config.settings import get_settings
    from warehouse.search.engine import IndexNotPublished

    settings = get_settings()
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or set(chosen) - set(FORMATS):
        fail(f"--format takes a comma-separated list of {', '.join(FORMATS)}")
    path = db or settings.database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    request = BriefRequest(topic=topic, since=parse_day(since, "--since"),
                           until=parse_day(until, "--until"), story=_uuid(story, "--story"),
                           like=_uuid(like, "--like"))
    service = BriefService(path, settings.config_dir, load_query_encoder(
        load_nlp_config(settings.config_dir), threads=QUERY_THREADS))
    try:
        paper = service.brief(request, profile or settings.profile)
        written = write_brief(paper, out or settings.out_dir / "briefs", chosen,
                              _stem(paper.topic, paper.as_of))
    except NothingMatches as error:
        fail(str(error), code=1)
    except (IndexNotPublished, WarehouseBusy, ProfileError, UntraceableBrief) as error:
        fail(str(error))
    console.print(f"Brief on {paper.topic!r}: {len(paper.sources)} sources, "
                  f"{len(paper.quotes())} quoted sentences (all verbatim).",
                  highlight=False, markup=False)
    for file in written:
        console.print(f"Written: {file}", highlight=False, markup=False)


def _uuid(value: str | None, option: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        fail(f"{option} must be a document or cluster id (a UUID), got {value!r}")


def _stem(topic: str, day) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")[:60] or "brief"
    return f"brief-{day:%Y-%m-%d}-{slug}"
