"""The ASGI application: routes, the lifespan that owns long-lived clients, and health."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from search import outbox
from search.backend import SearchBackend
from search.runtime import SearchRuntime, search_runtime
from server.auth.authentication import token_authentication
from server.cors import cors_middleware
from server.database import Database
from server.settings import Settings


class State(TypedDict):
    """What the lifespan hands to every request as `request.state`."""

    settings: Settings
    database: Database
    search: SearchRuntime


async def healthz(request: Request) -> JSONResponse:
    """Liveness: whether the database and the search engine answer, and the index backlog.

    503 only when the database fails; a down search engine degrades search while
    writes go on queueing, so it is reported, not fatal.
    """
    checks: dict[str, str] = {}
    body: dict[str, object] = {}
    try:
        await request.state.database.ping()
        checks["database"] = "ok"
        backlog = await outbox.backlog()
        body["search_backlog"] = {
            "size": backlog.size,
            "oldest_age_seconds": backlog.oldest_age_seconds,
            "failing": backlog.failing,
            "last_error": backlog.last_error,
        }
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {type(exc).__name__}"
    runtime: SearchRuntime = request.state.search
    try:
        await runtime.backend.health()
        checks["search"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["search"] = f"error: {exc}"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks, **body},
        status_code=503 if checks["database"] != "ok" else 200,
    )


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    search_backend: SearchBackend | None = None,
) -> Starlette:
    """Build the Starlette app for `settings` (read from the environment when omitted).

    The lifespan opens the database named by the settings and closes it on shutdown,
    and runs the search side (backend, service and sync worker) in between. A caller
    that passes an already open `database` (a test, say) keeps owning it; a
    `search_backend` replaces the one the settings name.
    """
    from schema.view import make_graphql_app

    settings = settings or Settings()
    owns_database = database is None
    database = database or Database.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        if owns_database:
            await database.open(shared_across_tasks=True)
        try:
            async with search_runtime(settings, search_backend) as search:
                yield {"settings": settings, "database": database, "search": search}
        finally:
            if owns_database:
                await database.close()

    graphql = make_graphql_app(settings)
    return Starlette(
        debug=False,
        routes=[
            Route(
                "/graphql", graphql, methods=["GET", "POST"], middleware=[token_authentication()]
            ),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        middleware=cors_middleware(settings),
        # Refused with 413 before anything parses it, whether or not it says its length.
        max_body_size=settings.max_body_bytes,
        lifespan=lifespan,
    )
