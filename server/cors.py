"""Cross-origin access: closed unless the settings name the origins whose pages may call the API."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from server.settings import Settings

# Enough for GraphQL over HTTP and bearer tokens; no cookies are ever read.
ALLOWED_METHODS = ["GET", "POST"]
ALLOWED_HEADERS = ["accept", "authorization", "content-type"]
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
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
