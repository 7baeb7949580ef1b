"""Probes: `/healthz` says the process serves, `/readyz` whether it should be sent traffic.

`/healthz` (liveness) answers 200 `{"status": "ok"}` without asking anything: a
process that answers it is alive, and restarting it would not help otherwise.

`/readyz` (readiness) checks that the database answers, that every migration is
applied, and that the search engine answers: 503 when any of them fails, 200
otherwise. Its `status` is `ok` when the search index is also whole and no index work
is failing, `degraded` while the index is behind, rebuilding or retrying (the app
serves meanwhile), and `unavailable` with the 503. The body names each check and
the search backlog's size, oldest age and failing count; in production a failed
check says only `failed`, and what went wrong (paths, engine messages) goes to the
log and to `cms sync-status`. Elsewhere the checks say why, and the backlog adds its
last indexing error.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from search.guard import IndexState
from search.runtime import SearchRuntime
from server.database import Database
from server.indexing import outbox
from server.settings import Environment, Settings

logger = logging.getLogger(__name__)

READINESS_CHECKS = ("database", "migrations", "search")
"""The checks that must pass for /readyz to answer 200 (the index's is reported only)."""


async def healthz(request: Request) -> JSONResponse:
    """Liveness: 200 while the process serves requests, at no cost."""
    return JSONResponse({"status": "ok"})


def _search_backlog(backlog: outbox.Backlog | None, detailed: bool) -> dict[str, object]:
    body: dict[str, object] = {
        "size": backlog.size if backlog else None,
        "oldest_age_seconds": backlog.oldest_age_seconds if backlog else None,
        "failing": backlog.failing if backlog else None,
    }
    if detailed:
        body["last_error"] = backlog.last_error if backlog else None
    return body


async def _database_checks(database: Database, checks: dict[str, str]) -> outbox.Backlog | None:
    """Fills the database and migrations checks; the backlog when it could be read."""
    try:
        await database.ping()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: the database failed: %r", error)
        checks["database"] = f"error: {type(error).__name__}"
        checks["migrations"] = "unknown: the database did not answer"
        return None
    try:
        pending = await database.pending_migrations()
        checks["migrations"] = (
            f"{len(pending)} pending ({', '.join(pending)}); run `cms migrate`" if pending else "ok"
        )
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: the migrations could not be read: %r", error)
        checks["migrations"] = f"error: {type(error).__name__}"
    try:
        return await outbox.backlog()
    except Exception as error:  # noqa: BLE001 - reported as an unknown backlog
        logger.warning("readiness: the search backlog could not be read: %r", error)
        return None


async def readyz(request: Request) -> JSONResponse:
    """Readiness: see the module."""
    settings: Settings = request.state.settings
    runtime: SearchRuntime = request.state.search
    checks: dict[str, str] = {}
    backlog = await _database_checks(request.state.database, checks)
    try:
        await runtime.backend.health()
        checks["search"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: the search engine failed: %s", error)
        checks["search"] = f"error: {error}"
    guard = runtime.guard
    try:
        await guard.refresh()
    except Exception as error:  # noqa: BLE001 - reported below as the last known state
        logger.warning("readiness: the search index check failed: %r", error)
    checks["index"] = (
        "ok" if guard.state is IndexState.WHOLE else f"{guard.state.value}: {guard.problem}"
    )
    ready = all(checks[name] == "ok" for name in READINESS_CHECKS)
    whole = checks["index"] == "ok" and (backlog is not None and backlog.failing == 0)
    detailed = settings.environment is not Environment.PRODUCTION
    if not detailed:
        checks = {name: "ok" if value == "ok" else "failed" for name, value in checks.items()} | {
            "index": guard.state.value
        }
    body = {
        "status": "unavailable" if not ready else "ok" if whole else "degraded",
        "checks": checks,
        "search_backlog": _search_backlog(backlog, detailed),
    }
    return JSONResponse(body, status_code=200 if ready else 503)
