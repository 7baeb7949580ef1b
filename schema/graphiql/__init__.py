"""GraphiQL served by the app itself: its page, and the pinned files it loads.

Strawberry's page loads GraphiQL, React, the explorer plugin and js-cookie from a
CDN, which a closed network cannot reach. page.html is that page loading the same
files, byte for byte (its `integrity` attributes are Strawberry's), from ASSETS,
which the app serves at ASSET_PATH (cms/app.py). vendor/README.md says where each
file comes from and how to update them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "vendor"
ASSET_PATH = "/static/graphiql"


@cache
def graphiql_page() -> str:
    """The GraphiQL page, loading every script and stylesheet from ASSET_PATH."""
    return (Path(__file__).resolve().parent / "page.html").read_text(encoding="utf-8")
