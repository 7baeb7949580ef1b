"""The ASGI application, where the layers meet: routes, the lifespan that owns
long-lived clients, and health."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from schema.view import make_graphql_app
from search.backend import SearchBackend
from search.guard import IndexState
from search.runtime import SearchRuntime, search_runtime
from server.auth.authentication import token_authentication
from server.cors import cors_middleware
from server.database import Database
from server.indexing import outbox
from server.memory import freeze_startup_heap
from server.settings import Environment, Settings

logger = logging.getLogger(__name__)


class State(TypedDict):
    """What the lifespan hands to every request as `request.state`."""

    settings: Settings
    database: Database
    search: SearchRuntime


def _search_backlog(backlog: outbox.Backlog | None, detailed: bool) -> dict[str, object]:
    body: dict[str, object] = {
        "size": backlog.size if backlog else None,
        "oldest_age_seconds": backlog.oldest_age_seconds if backlog else None,
        "failing": backlog.failing if backlog else None,
    }
    if detailed:
        body["last_error"] = backlog.last_error if backlog else None
    return body


async def healthz(request: Request) -> JSONResponse:
    """Health: `ok` when the database and the search engine answer, the index is whole
    and no index work is failing; `degraded` otherwise.

    503 when the database or the search engine cannot answer at all; 200 while the
    index is only behind, rebuilding or retrying. In production the body says the status
    and the backlog's size, oldest age and failing count, nothing else: what went wrong
    (paths, engine messages) goes to the log and to `cms sync-status`. Elsewhere the
    body adds each check and the last indexing error.
    """
    settings: Settings = request.state.settings
    runtime: SearchRuntime = request.state.search
    checks: dict[str, str] = {}
    backlog = None
    try:
        await request.state.database.ping()
        backlog = await outbox.backlog()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        logger.warning("health check: the database failed: %r", error)
        checks["database"] = f"error: {type(error).__name__}"
    try:
        await runtime.backend.health()
        checks["search"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        logger.warning("health check: the search engine failed: %s", error)
        checks["search"] = f"error: {error}"
    guard = runtime.guard
    try:
        await guard.refresh()
    except Exception as error:  # noqa: BLE001 - reported below as the last known state
        logger.warning("health check: the search index check failed: %r", error)
    checks["index"] = (
        "ok" if guard.state is IndexState.WHOLE else f"{guard.state.value}: {guard.problem}"
    )
    failing = backlog.failing if backlog else 0
    healthy = failing == 0 and all(value == "ok" for value in checks.values())
    detailed = settings.environment is not Environment.PRODUCTION
    body: dict[str, object] = {"status": "ok" if healthy else "degraded"}
    if detailed:
        body["checks"] = checks
    body["search_backlog"] = _search_backlog(backlog, detailed)
    answers = checks["database"] == "ok" and checks["search"] == "ok"
    return JSONResponse(body, status_code=200 if answers else 503)


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
    settings = settings or Settings()
    owns_database = database is None
    database = database or Database.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        if owns_database:
            await database.open(shared_across_tasks=True)
        try:
            async with search_runtime(settings, search_backend) as search:
                if owns_database:  # a server process, not a test holding its own database
                    freeze_startup_heap()
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
