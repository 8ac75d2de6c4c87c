"""The API docs at /docs, offline: Swagger UI from the `swagger-ui-bundle-v2` package (no CDN),
or, without that package, a plain page listing the OpenAPI operations.

No inline script: the page loads the bundle and web/static/docs-init.js from this server, so a
strict Content-Security-Policy (script-src 'self') still lets it run.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"

_SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - API docs</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon-32x32.png">
</head><body><div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body></html>"""


def swagger_assets() -> Path | None:
    """The folder of Swagger UI's files in the installed package, or None without it."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(str(swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def operations_page(app: FastAPI) -> str:
    """A plain HTML list of the API's operations (method, path, summary, parameters)."""
    spec = app.openapi()
    rows = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = ", ".join(p["name"] for p in op.get("parameters", []))
            summary = op.get("description") or op.get("summary") or ""
            listed = f"<br><small>parameters: {html.escape(params)}</small>" if params else ""
            rows.append(f"<li><code>{method.upper()} {html.escape(path)}</code>"
                        f" {html.escape(summary.splitlines()[0] if summary else '')}{listed}"
                        "</li>")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(spec['info']['title'])} - API docs</title></head>"
            "<body style=\"font-family:system-ui,sans-serif;max-width:50rem;margin:1rem auto;"
            "padding:0 1rem;overflow-wrap:anywhere\">"
            f"<h1>{html.escape(spec['info']['title'])}</h1>"
            "<p>The full machine-readable description is at <a href=\"/openapi.json\">"
            f"/openapi.json</a>.</p><ul>{''.join(rows)}</ul></body></html>")


def install_docs(app: FastAPI) -> None:
    """Serve /docs from local files (the app is made with docs_url=None, redoc_url=None)."""
    assets = swagger_assets()
    if assets is not None:
        app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(operations_page(app))
        return HTMLResponse(_SWAGGER_PAGE.format(title=html.escape(app.title), assets=ASSETS,
                                                 openapi=app.openapi_url))
