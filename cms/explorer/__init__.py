"""The research explorer: one HTML page, JavaScript modules and a stylesheet in assets/,
served as they are (no build step). It reads only the public GraphQL API, with the
queries of assets/queries.graphql. Its pages are `/`, /events/<slug>, /people/<slug>
and /committees/<slug>, each answered with the same HTML page, whose scripts draw it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_PATH = "/static/explorer"
# The page loads nothing but its own scripts, stylesheet and API: a script that got
# into it some other way could send nothing anywhere else.
_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


async def _page(request: Request) -> Response:
    return HTMLResponse(
        (ASSETS / "index.html").read_bytes(),
        headers={"Content-Security-Policy": _POLICY, "Cache-Control": "no-cache"},
    )


def explorer_routes() -> list[BaseRoute]:
    """The explorer's pages (one HTML page for all) and, under ASSET_PATH, its files."""
    return [
        Route("/", _page, methods=["GET", "HEAD"]),
        Route("/events/{slug}", _page, methods=["GET", "HEAD"]),
        Route("/people/{slug}", _page, methods=["GET", "HEAD"]),
        Route("/committees/{slug}", _page, methods=["GET", "HEAD"]),
        Mount(ASSET_PATH, StaticFiles(directory=ASSETS), name="explorer"),
    ]
