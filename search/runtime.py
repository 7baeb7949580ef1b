"""The search side's long-lived parts, started and stopped together by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from search.backend import SearchBackend, SearchUnavailable
from search.engines import backend_from_settings
from search.reindex import reindex
from search.service import SearchService
from search.worker import SyncWorker
from server.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class SearchRuntime:
    """The backend, the service that queries it and, unless disabled, the in-app worker."""

    backend: SearchBackend
    service: SearchService
    worker: SyncWorker


async def _work(runtime: SearchRuntime, stop: asyncio.Event) -> None:
    """The in-app worker: first a rebuild if the index is of an older schema, then draining."""
    if getattr(runtime.backend, "needs_rebuild", False):
        logger.warning("the search index was built for another schema; rebuilding it")
        try:
            count, _ = await reindex(runtime.backend)
            logger.info("search index rebuilt: %d documents", count)
        except Exception:  # noqa: BLE001 - the worker below still keeps the index in sync
            logger.exception("search index rebuild failed; run `cms reindex`")
    await runtime.worker.run(stop)


@contextlib.asynccontextmanager
async def search_runtime(
    settings: Settings, backend: SearchBackend | None = None, *, run_worker: bool | None = None
) -> AsyncIterator[SearchRuntime]:
    """Opens the backend (a down engine is logged, not fatal: writes keep queueing),
    and runs the sync worker in the background while the block runs."""
    backend = backend or backend_from_settings(settings)
    try:
        await backend.open()
    except SearchUnavailable as error:
        logger.warning("search engine unavailable at start-up (%s); index work will queue", error)
    runtime = SearchRuntime(
        backend, SearchService(backend, settings.max_page_size), SyncWorker(backend)
    )
    stop = asyncio.Event()
    task = None
    if settings.search_worker if run_worker is None else run_worker:
        task = asyncio.create_task(_work(runtime, stop), name="search-sync-worker")
    try:
        yield runtime
    finally:
        stop.set()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=30)
            except TimeoutError:
                task.cancel()
        await backend.close()
