"""The search side's long-lived parts, started and stopped together by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from search.backend import SearchBackend
from search.engines import backend_from_settings
from search.guard import IndexGuard
from search.service import SearchService
from search.worker import SyncWorker
from server.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class SearchRuntime:
    """The backend, the service that queries it, the worker that syncs it and the guard
    that keeps it whole."""

    backend: SearchBackend
    service: SearchService
    worker: SyncWorker
    guard: IndexGuard


@contextlib.asynccontextmanager
async def search_runtime(
    settings: Settings,
    backend: SearchBackend | None = None,
    *,
    run_worker: bool | None = None,
    on_search: Callable[[str, float], None] | None = None,
) -> AsyncIterator[SearchRuntime]:
    """Opens the backend and checks its index against the database (an engine that
    cannot be opened is logged, not fatal: content is served, writes keep queueing, and
    the guard tries again), then runs the guard and, unless disabled, the sync worker in
    the background while the block runs. Only where the worker runs does the guard
    rebuild the index; elsewhere it only reports. `on_search` is told each search's
    engine and duration (the app's metrics)."""
    backend = backend or backend_from_settings(settings)
    worker_runs = settings.search_worker if run_worker is None else run_worker
    guard = IndexGuard(backend, interval=settings.search_check_seconds, rebuilds=worker_runs)
    try:
        await guard.check()
    except Exception:  # a failed check must not keep the content API down
        logger.exception("could not check the search index at start-up; the guard retries")
    runtime = SearchRuntime(
        backend,
        SearchService(backend, settings.max_page_size, on_search),
        SyncWorker(backend),
        guard,
    )
    stop = asyncio.Event()
    tasks = [asyncio.create_task(guard.run(stop), name="search-index-guard")]
    if worker_runs:
        tasks.append(asyncio.create_task(runtime.worker.run(stop), name="search-sync-worker"))
    try:
        yield runtime
    finally:
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=30)
            except TimeoutError:
                task.cancel()
        await backend.close()
