"""Drive the real app in-process: its lifespan runs, then requests go through httpx."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """Runs `app`'s lifespan on the test's event loop and yields a client for it.

    httpx's ASGITransport sends no lifespan events, so this enters the lifespan
    itself and hands its state to every request, as uvicorn would.
    """
    async with app.router.lifespan_context(app) as state:

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"] = dict(state or {})
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
