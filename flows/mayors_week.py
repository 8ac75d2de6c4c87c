"""The Mayor's week: on Friday afternoon, one brief per theme over the week's top stories."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger

from delivery.brief.model import NothingMatches
from delivery.brief.render import write_brief
from delivery.brief.retrieve import BriefRequest
from delivery.brief.service import QUERY_THREADS, BriefService
from warehouse.brief_rows import story_documents, top_stories
from warehouse.config.profiles import load_profile
from warehouse.config.settings import get_settings
from warehouse.db import connect
from warehouse.text import UK


@flow(name="mayors_week")
def mayors_week(profile: str = "wmca", db: str | None = None, out: str | None = None,
                day: date | None = None, stories_per_theme: int = 3,
                formats: tuple[str, ...] = ("html", "pdf", "docx", "md")) -> list[str]:
    """Write `out/mayors-week/<day>/` : per theme, a brief over its top stories of the seven
    days to `day` (default today in UK time). Fails when no theme had a story that week."""
    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder

    logger = get_run_logger()
    settings = get_settings()
    until = day or datetime.now(UK).date()
    since = until - timedelta(days=6)
    path = Path(db) if db else settings.database_path
    chosen = load_profile(settings.config_dir, profile)
    with connect(path, read_only=True) as con:
        packs = {}
        for theme in chosen.themes:
            stories = top_stories(con, profile, since, until + timedelta(days=1), theme.id,
                                  stories_per_theme)
            ids = [d for cluster, _, _ in stories for d in story_documents(con, profile, cluster)]
            if ids:
                packs[theme.id] = (theme, ids)
    if not packs:
        raise RuntimeError(f"no theme of {profile} had a story between {since} and {until}")
    encoder = load_query_encoder(load_nlp_config(settings.config_dir), threads=QUERY_THREADS)
    service = BriefService(path, settings.config_dir, encoder)
    folder = (Path(out) if out else settings.out_dir) / "mayors-week" / until.isoformat()
    written: list[str] = []
    for theme, ids in packs.values():
        request = BriefRequest(topic=theme.name, since=since, until=until, documents=ids)
        try:
            paper = service.brief(request, profile)
        except NothingMatches as error:
            logger.warning("%s: %s", theme.id, error)
            continue
        paths = write_brief(paper, folder, list(formats), f"mayors-week-{until}-{theme.id}")
        written += [str(p) for p in paths]
        logger.info("%s: %d sources, %d quotes", theme.id, len(paper.sources),
                    len(paper.quotes()))
    return written
