"""Rendering the digest and alerts to HTML (autoescaped, inline CSS, table layout) and text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from delivery.digest import Digest
from delivery.feedback_links import FeedbackLinks
from delivery.items import DigestItem
from warehouse.text import UK, strip_control


def safe_url(url: str) -> str:
    """Only absolute http(s) links reach a page; anything else (javascript:, data:) becomes '#'."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else "#"


def plain(text: object) -> str:
    """Scraped text for the plain-text part: no control characters."""
    return strip_control("" if text is None else str(text), "")


def when(value: datetime | None) -> str:
    """A date-time in UK time: '4 Dec 2026 23:59'."""
    return f"{value.astimezone(UK):%-d %b %Y %H:%M}" if value else ""


def days(value: int) -> str:
    if value <= 0:
        return "today" if value == 0 else "closed"
    return "tomorrow" if value == 1 else f"{value} days left"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("delivery", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["plain"] = plain
    env.filters["day"] = lambda value: f"{value:%-d %b %Y}" if value else ""
    env.filters["when"] = when
    env.filters["days"] = days
    return env


_ENV = _environment()


def render_template(name: str, **context: Any) -> str:
    return _ENV.get_template(name).render(**context)


def item_feedback(feedback: FeedbackLinks | None):
    """`links(item)`: (label, URL) of the item's feedback links; none without a signer."""
    def links(item: DigestItem) -> list[tuple[str, str]]:
        if feedback is None or item.document_id is None:
            return []
        chip = item.themes[0] if item.themes else None
        return feedback.for_item(item.document_id, chip.theme_id if chip else "",
                                 chip.score if chip else None, item.model_version)
    return links


def render_digest_html(digest: Digest, feedback: FeedbackLinks | None = None) -> str:
    return render_template("digest.html.j2", digest=digest, links=item_feedback(feedback))


def render_digest_text(digest: Digest, feedback: FeedbackLinks | None = None) -> str:
    return render_template("digest.txt.j2", digest=digest, links=item_feedback(feedback))


def write_atomic(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if isinstance(content, bytes):
        partial.write_bytes(content)
    else:
        partial.write_text(content, encoding="utf-8")
    partial.replace(path)
    return path


def write_digest(digest: Digest, out_dir: Path, feedback: FeedbackLinks | None = None
                 ) -> tuple[Path, Path]:
    """Write out/digest-YYYY-MM-DD.html and .txt atomically; return their paths."""
    stem = out_dir / f"digest-{digest.day.isoformat()}"
    return (write_atomic(stem.with_suffix(".html"), render_digest_html(digest, feedback)),
            write_atomic(stem.with_suffix(".txt"), render_digest_text(digest, feedback)))
