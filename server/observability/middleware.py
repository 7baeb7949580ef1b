"""The outermost middleware: gives each request its id, then counts, times and logs it.

Every HTTP request gets one log line on the `cms.requests` logger once its response
is sent: method, path (never the query string, which can carry variables), status,
duration, request id and, for GraphQL, the operation's name and type and the codes of
its errors. Never a header, a token, a document or a variable. Probes (/healthz,
/readyz, /metrics) are logged at DEBUG, everything else at INFO.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.database import Database
from server.observability.metrics import Metrics
from server.observability.request_facts import SCOPE_KEY, RequestFacts
from server.observability.request_id import HEADER, accepted_request_id, current_request_id

logger = logging.getLogger("cms.requests")

PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
POOL_REFRESH_SECONDS = 1.0
_MAX_LOGGED_PATH = 200


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class ObserveRequests:
    """Request ids, the request log line, and the request metrics (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._pool_read_at = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        facts = RequestFacts(accepted_request_id(_header(scope, HEADER.encode())))
        scope[SCOPE_KEY] = facts
        token = current_request_id.set(facts.request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = facts.request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            self._observe(scope, facts, status, seconds)
            current_request_id.reset(token)

    def _observe(self, scope: Scope, facts: RequestFacts, status: int, seconds: float) -> None:
        path: str = scope.get("path", "")
        method: str = scope.get("method", "")
        state = scope.get("state") or {}
        metrics: Metrics | None = state.get("metrics")  # the lifespan's
        if metrics is not None:
            metrics.record_request(path, method, status)
            if path == "/graphql":
                metrics.record_graphql(facts, status, seconds)
            self._refresh_pool_figures(metrics, state.get("database"))
        fields: dict[str, Any] = {
            "request_id": facts.request_id,
            "method": method,
            "path": ascii(path[:_MAX_LOGGED_PATH])[1:-1],
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        }
        if facts.operation_type is not None:
            fields["operation_name"] = facts.operation_name
            fields["operation_type"] = facts.operation_type
        if facts.error_codes:
            fields["error_codes"] = [code or None for code in facts.error_codes]
        operation = f" {facts.operation_type} {facts.operation_name or '(anonymous)'}"
        logger.log(
            logging.DEBUG if path in PROBES else logging.INFO,
            "%s %s %s %.1f ms%s",
            method,
            fields["path"],
            status,
            fields["duration_ms"],
            operation if facts.operation_type else "",
            extra=fields,
        )

    def _refresh_pool_figures(self, metrics: Metrics, database: Database | None) -> None:
        # At most once a second: cheap, but not worth doing on every request.
        now = time.monotonic()
        if database is None or now - self._pool_read_at < POOL_REFRESH_SECONDS:
            return
        self._pool_read_at = now
        metrics.record_pool(database.pool_figures())
