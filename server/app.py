"""The ASGI application: routes, the lifespan that owns long-lived clients, and health."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.database import Database
from server.settings import Settings


class State(TypedDict):
    """What the lifespan hands to every request as `request.state`."""

    settings: Settings
    database: Database


async def healthz(request: Request) -> JSONResponse:
    """Liveness, plus whether the database answers; 503 when it does not."""
    checks: dict[str, str] = {}
    try:
        await request.state.database.ping()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status_code=200 if healthy else 503,
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the Starlette app for `settings` (read from the environment when omitted).

    The lifespan opens the database named by the settings and closes it on shutdown.
    A caller that passes an already open `database` (a test, say) keeps owning it.
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
            yield {"settings": settings, "database": database}
        finally:
            if owns_database:
                await database.close()

    graphql = make_graphql_app(settings)
    return Starlette(
        debug=False,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
