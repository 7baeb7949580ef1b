"""Rebuilding the whole index from the database, then swapping it in atomically."""

from __future__ import annotations

from datetime import timedelta

from search.backend import Progress, SearchBackend
from search.documents import all_documents
from server.indexing import outbox

CLOCK_MARGIN = timedelta(seconds=5)
"""Changes this long before the rebuild started are replayed too, against clock skew."""


async def reindex(backend: SearchBackend, progress: Progress | None = None) -> tuple[int, int]:
    """Builds a new index from every published document and swaps it in.

    Searches are served by the old index until the swap. Anything written while the
    rebuild read the database is marked pending again afterwards, so the sync worker
    brings the new index up to date. Returns (documents indexed, objects replayed).
    """
    started = outbox.utcnow()
    count = await backend.rebuild(all_documents(), progress)
    replayed = await outbox.requeue_changed_since(started - CLOCK_MARGIN)
    return count, replayed
