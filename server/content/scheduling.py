"""Scheduled publishing: drafts published at their `publish_at`, events unpublished at their
`unpublish_at`, by a loop in the worker process.

Each due event is claimed in a transaction of its own (on PostgreSQL its row is locked
with SKIP LOCKED, so a second scheduler passes over it rather than waiting), checked to
be still due, and published or unpublished through `publish_event` / `unpublish_event`:
the very services an editor's publish goes through, so the change gets its revision,
its search index marker and everything else a manual publish gets, in the same
transaction. Publishing clears `publish_at` and unpublishing clears `unpublish_at`, so
an event is done once; a scheduler that loses a race meets a new version (StaleVersion)
or an event no longer due, and passes. A time already past is due at the next pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.auth.viewer import Role, Viewer
from server.content.errors import ContentError
from server.content.models import Event, EventStatus
from server.content.services.event_workflow import publish_event, unpublish_event
from server.settings import Settings

logger = logging.getLogger(__name__)

SCHEDULER = Viewer(name="scheduler", role=Role.ADMIN)
"""Who scheduled changes are made by, in the events' revisions."""

BATCH = 100


@dataclass(frozen=True)
class ScheduleReport:
    """What one pass did."""

    published: int = 0
    unpublished: int = 0


def _due(now: datetime) -> Q:
    return Q(status=EventStatus.DRAFT, publish_at__lte=now) | Q(
        status=EventStatus.PUBLISHED, unpublish_at__lte=now
    )


async def _apply(event_id: int, now: datetime) -> EventStatus | None:
    """Publishes or unpublishes one due event; None when it is no longer due or is
    claimed by another scheduler."""
    async with in_transaction():
        event = (
            await Event.filter(_due(now), id=event_id).select_for_update(skip_locked=True).first()
        )
        if event is None:
            return None
        if event.status is EventStatus.DRAFT:
            await publish_event(SCHEDULER, event.slug, version=event.version)
            return EventStatus.PUBLISHED
        await unpublish_event(SCHEDULER, event.slug, version=event.version)
        return EventStatus.DRAFT


async def run_due(now: datetime | None = None) -> ScheduleReport:
    """Publishes and unpublishes every event due at `now` (by default, now)."""
    now = now or datetime.now(UTC)
    published = unpublished = 0
    ids = await Event.filter(_due(now)).order_by("id").limit(BATCH).values_list("id", flat=True)
    for event_id in ids:
        try:
            done = await _apply(event_id, now)  # type: ignore[arg-type]  # flat ints
        except ContentError as error:  # changed meanwhile, or it breaks a rule: say so, go on
            logger.warning("scheduled change to event %s not made: %s", event_id, error)
            continue
        if done is EventStatus.PUBLISHED:
            published += 1
        elif done is EventStatus.DRAFT:
            unpublished += 1
    return ScheduleReport(published, unpublished)


class Scheduler:
    """The loop: a pass every `interval` seconds until stopped; an error never ends it."""

    def __init__(self, interval: float) -> None:
        self.interval = interval

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                report = await run_due()
                if report.published or report.unpublished:
                    logger.info(
                        "scheduled publishing: %d published, %d unpublished",
                        report.published,
                        report.unpublished,
                    )
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not kill the loop
                logger.exception("scheduled publishing pass failed; retrying")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval)
            except TimeoutError:
                pass


@contextlib.asynccontextmanager
async def scheduled_publishing(settings: Settings) -> AsyncIterator[Scheduler]:
    """Runs the scheduler in the background while the block runs (in the process that
    drains the search outbox: the app's, or `cms worker`)."""
    scheduler = Scheduler(settings.schedule_interval_seconds)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop), name="scheduled-publishing")
    try:
        yield scheduler
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=30)
        except TimeoutError:
            task.cancel()
