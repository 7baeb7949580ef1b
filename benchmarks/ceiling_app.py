"""The ceiling for read_path.py: a raw Starlette JSON endpoint, nothing behind it.

uvicorn benchmarks.ceiling_app:app --loop uvloop --http httptools
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def graphql(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"data": {"__typename": "Query"}})


async def ready(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/graphql", graphql, methods=["POST"]),
        Route("/healthz", ready, methods=["GET"]),
        Route("/readyz", ready, methods=["GET"]),
    ]
)
