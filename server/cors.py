"""Cross-origin access: closed unless the settings name the origins whose pages may call the API."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from server.settings import Settings

# Enough for GraphQL over HTTP, bearer tokens and request ids; no cookies are ever read.
ALLOWED_METHODS = ["GET", "POST"]
ALLOWED_HEADERS = ["accept", "authorization", "content-type", "x-request-id"]
EXPOSED_HEADERS = ["x-request-id"]
"""What a page's script may read of an answer beyond the basics: the id to quote."""
PREFLIGHT_MAX_AGE = 600


def cors_middleware(settings: Settings) -> list[Middleware]:
    """Starlette's CORSMiddleware for the allowed origins; nothing at all when there are none."""
    if not settings.cors_allowed_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
