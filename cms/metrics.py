"""`/metrics`: the Prometheus text exposition, for a scraper on the private network.

Served when `METRICS_ENABLED` (on in development, off in production unless set). With
`METRICS_TOKEN`, only `Authorization: Bearer <token>` is answered; others get 401.
Request and search figures come from the processes' counters; the search outbox is
read from the database at scrape time (a few counts on its partial index).
"""

from __future__ import annotations

import asyncio
import hmac
import logging

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.database import Database
from server.indexing import outbox
from server.observability.exposition import OutboxFigures, render
from server.observability.metrics import Metrics
from server.settings import Settings

logger = logging.getLogger(__name__)

OUTBOX_READ_SECONDS = 2.0


def _authorized(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    )


async def _outbox_figures() -> OutboxFigures | None:
    try:
        backlog = await asyncio.wait_for(outbox.backlog(), OUTBOX_READ_SECONDS)
    except Exception as error:  # noqa: BLE001 - the other figures are still worth scraping
        logger.warning("metrics: the search outbox could not be read: %r", error)
        return None
    return OutboxFigures(backlog.size, backlog.oldest_age_seconds, backlog.failing)


async def metrics(request: Request) -> Response:
    """The metrics of every process of this server, and the outbox as it is now."""
    settings: Settings = request.state.settings
    token = settings.metrics_token
    if token is not None and not _authorized(request, token.get_secret_value()):
        return JSONResponse(
            {"error": "send `Authorization: Bearer <METRICS_TOKEN>`"},
            status_code=401,
            headers={"www-authenticate": "Bearer"},
        )
    recorded: Metrics = request.state.metrics
    database: Database = request.state.database
    recorded.record_pool(database.pool_figures())
    body = render(recorded, await _outbox_figures())
    return Response(body, media_type=CONTENT_TYPE_LATEST)
