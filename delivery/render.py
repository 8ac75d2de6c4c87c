"""Rendering the digest to HTML (autoescaped, inline CSS, table layout) and plain text."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from delivery.digest import Digest

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_url(url: str) -> str:
    """Only absolute http(s) links reach a page; anything else (javascript:, data:) becomes '#'."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else "#"


def plain(text: object) -> str:
    """Scraped text for the plain-text part: no control characters."""
    return _CONTROL_CHARS.sub("", "" if text is None else str(text))


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
    return env


_ENV = _environment()


def render_digest_html(digest: Digest) -> str:
    return _ENV.get_template("digest.html.j2").render(digest=digest)


def render_digest_text(digest: Digest) -> str:
    return _ENV.get_template("digest.txt.j2").render(digest=digest)


def write_digest(digest: Digest, out_dir: Path) -> tuple[Path, Path]:
    """Write out/digest-YYYY-MM-DD.html and .txt atomically; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, render in ((".html", render_digest_html), (".txt", render_digest_text)):
        path = out_dir / f"digest-{digest.day.isoformat()}{suffix}"
        partial = path.with_suffix(suffix + ".partial")
        partial.write_text(render(digest), encoding="utf-8")
        partial.replace(path)
        paths.append(path)
    return paths[0], paths[1]
