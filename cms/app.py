"""The ASGI application, where the layers meet: routes, the lifespan that owns
long-lived clients, and the middleware that observes every request."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from cms.explorer import explorer_routes
from cms.health import healthz, readyz
from cms.metrics import metrics
from schema.graphiql import ASSET_PATH, ASSETS
from schema.view import make_graphql_app
from search.backend import SearchBackend
from search.runtime import SearchRuntime, search_runtime
from server.auth.authentication import token_authentication
from server.content.scheduling import scheduled_publishing
from server.cors import cors_middleware
from server.database import Database
from server.memory import freeze_startup_heap
from server.observability.exposition import forget_this_process
from server.observability.metrics import Metrics
from server.observability.middleware import ObserveRequests
from server.settings import Settings
from server.webhooks.worker import webhook_worker


class State(TypedDict):
    """What the lifespan hands to every request as `request.state`."""

    settings: Settings
    database: Database
    search: SearchRuntime
    metrics: Metrics


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    search_backend: SearchBackend | None = None,
) -> Starlette:
    """Build the Starlette app for `settings` (read from the environment when omitted).

    The lifespan opens the database named by the settings and closes it on shutdown,
    and runs the search side (backend, service and sync worker), the webhook
    delivery loop and scheduled publishing in between. A caller
    that passes an already open `database` (a test, say) keeps owning it; a
    `search_backend` replaces the one the settings name.
    """
    settings = settings or Settings()
    owns_database = database is None
    database = database or Database.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        recorded = Metrics()
        if owns_database:
            await database.open(shared_across_tasks=True)
        try:
            async with contextlib.AsyncExitStack() as background:
                search = await background.enter_async_context(
                    search_runtime(settings, search_backend, on_search=recorded.record_search)
                )
                # Webhooks are delivered, and events published on schedule, where the
                # search outbox is drained (SEARCH_WORKER).
                if settings.search_worker:
                    await background.enter_async_context(webhook_worker(settings))
                    await background.enter_async_context(scheduled_publishing(settings))
                if owns_database:  # a server process, not a test holding its own database
                    freeze_startup_heap()
                yield {
                    "settings": settings,
                    "database": database,
                    "search": search,
                    "metrics": recorded,
                }
        finally:
            if owns_database:
                await database.close()
            forget_this_process()

    graphql = make_graphql_app(settings)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"], middleware=[token_authentication()]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if settings.metrics_served:
        routes.append(Route("/metrics", metrics, methods=["GET"]))
    if settings.graphiql_enabled:  # the files GraphiQL's page loads, served with it
        routes.append(Mount(ASSET_PATH, StaticFiles(directory=ASSETS), name="graphiql"))
    routes += explorer_routes()  # `/` and the explorer's other pages
    return Starlette(
        debug=False,
        routes=routes,
        # Outermost, so that every answer (a CORS preflight too) carries its request id.
        middleware=[Middleware(ObserveRequests), *cors_middleware(settings)],
        # Refused with 413 before anything parses it, whether or not it says its length.
        max_body_size=settings.max_body_bytes,
        lifespan=lifespan,
    )
