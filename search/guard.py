"""Keeping the index whole: a cheap check that it matches the database, and a rebuild
in the background when it does not.

The check compares how many event and person documents the index holds with how many
published events and people the database has, allowing one document of difference per
object the outbox still has to sync. An index that is missing, emptied, replaced by
another or of an older schema fails it; the guard then rebuilds it (search answers from
what the index holds meanwhile), and the health check says `degraded` until it is whole.
"""

from __future__ import annotations

import asyncio
import logging
import time
from enum import Enum

from tortoise.expressions import F

from search.backend import SearchBackend, SearchUnavailable
from search.reindex import reindex
from server.content.models import Event, EventStatus, Person
from server.indexing.models import IndexKind, IndexMarker

logger = logging.getLogger(__name__)

FRESH_FOR = 2.0
"""Seconds a check's answer stands for a health probe, so frequent probes cost one
check, not one each."""

RECHECK_DELAY = 1.0
"""Seconds between a failed check and the one that confirms it: a worker that wrote a
batch between the two counts of a check does not cause a needless rebuild."""


class IndexState(str, Enum):
    """Whether search can answer, and whether it answers from a whole index."""

    WHOLE = "ok"
    INCOMPLETE = "incomplete"
    UNAVAILABLE = "unavailable"


async def index_problem(backend: SearchBackend) -> str | None:
    """Why the index does not match the database, or None when it does.

    Raises SearchUnavailable when the engine cannot be asked.
    """
    if backend.needs_rebuild:
        return "the index was built for another schema"
    counts = await backend.kind_counts()
    pending = IndexMarker.filter(generation__gt=F("synced_generation"))
    for kind, label, expected, slack in (
        (
            IndexKind.EVENT,
            "published events",
            await Event.filter(status=EventStatus.PUBLISHED).count(),
            await pending.filter(kind=IndexKind.EVENT).count(),
        ),
        (
            IndexKind.PERSON,
            "people",
            await Person.all().count(),
            await pending.filter(kind=IndexKind.PERSON).count(),
        ),
    ):
        held = counts.get(kind.value, 0)
        if abs(held - expected) > slack:
            return (
                f"the index holds {held} {kind.value} documents for {expected} {label} "
                f"({slack} waiting to be synced)"
            )
    return None


class IndexGuard:
    """Checks the index at start-up and every `interval` seconds, and when it is not
    whole, rebuilds it (when `rebuilds`); also retries an engine that could not be opened."""

    def __init__(
        self, backend: SearchBackend, *, interval: float = 30.0, rebuilds: bool = True
    ) -> None:
        self.backend = backend
        self.interval = interval
        self.rebuilds = rebuilds
        self.state = IndexState.WHOLE
        self.problem: str | None = None
        """Why the index is not whole (for the log and operators, never the public)."""
        self._opened = False
        self._checked_at = float("-inf")
        self._wake = asyncio.Event()

    async def refresh(self) -> IndexState:
        """The index's state as of at most `FRESH_FOR` seconds ago, looked at again if
        older; an index found not whole wakes the loop, so the rebuild starts now rather
        than at the next periodic check."""
        if time.monotonic() - self._checked_at > FRESH_FOR:
            await self.check()
            if self.state is IndexState.INCOMPLETE:
                self._wake.set()
        return self.state

    async def check(self) -> IndexState:
        """Looks at the index once and records what it found."""
        self._checked_at = time.monotonic()
        try:
            if not self._opened:
                await self.backend.open()
                self._opened = True
            problem = await index_problem(self.backend)
        except SearchUnavailable as error:
            if self.state is not IndexState.UNAVAILABLE:
                logger.error("search is unavailable: %s", error)
            self.state, self.problem = IndexState.UNAVAILABLE, str(error)
            self._opened = False  # open it again next time: the folder may be usable by then
            return self.state
        if problem is not None and self.problem != problem:
            logger.warning("the search index does not match the database: %s", problem)
        elif problem is None and self.state is not IndexState.WHOLE:
            logger.info("the search index matches the database again")
        self.state = IndexState.WHOLE if problem is None else IndexState.INCOMPLETE
        self.problem = problem
        return self.state

    async def rebuild_if_needed(self) -> None:
        """Rebuilds the index if a second look confirms it is not whole."""
        await asyncio.sleep(RECHECK_DELAY)
        if await self.check() is not IndexState.INCOMPLETE:
            return
        logger.warning("rebuilding the search index in the background: %s", self.problem)
        try:
            count, replayed = await reindex(self.backend)
        except Exception:  # the next check tries again
            logger.exception("search index rebuild failed; it is retried at the next check")
            return
        logger.info("search index rebuilt: %d documents, %d object(s) replayed", count, replayed)
        await self.check()

    async def run(self, stop: asyncio.Event) -> None:
        """Checks until `stop` is set, rebuilding when the index is not whole; never dies."""
        while not stop.is_set():
            try:
                if self.state is IndexState.INCOMPLETE and self.rebuilds:
                    await self.rebuild_if_needed()
                await self._sleep(stop)
                if not stop.is_set():
                    await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the checks
                logger.exception("search index check failed; retrying")

    async def _sleep(self, stop: asyncio.Event) -> None:
        """Waits `interval` seconds, or less if stopped or woken by `refresh`."""
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=self.interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
        self._wake.clear()
