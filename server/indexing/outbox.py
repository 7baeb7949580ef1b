"""Recording index work in the writer's transaction, and handing it to workers.

Writers call `mark_*` inside the transaction that changes content, so the work is
committed, or rolled back, with the change itself. Workers `claim` due markers
under a lease, rebuild the objects' documents from the database, then `ack` or
`fail` them. A worker that dies mid-drain leaves its claims to expire; another
picks them up, so no marked change is ever lost.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from server.columns import column
from server.content.models import (
    CommitteeMember,
    Event,
    EventOrganisation,
    EventStatus,
    EventTopic,
    Participation,
    PersonAffiliation,
    TranscriptSegment,
)
from server.indexing.models import IndexKind, IndexMarker

MAX_BACKOFF = timedelta(minutes=5)

SET_ASIDE = datetime(9999, 1, 1, tzinfo=UTC)
"""The next attempt of a marker whose documents the engine refuses as they are: none
until the object changes again (`mark` makes it due) or an operator runs `retry_now`."""


def utcnow() -> datetime:
    return datetime.now(UTC)


async def mark(kind: IndexKind, object_ids: Iterable[int]) -> None:
    """Records that the documents of these objects must be rebuilt."""
    ids = sorted(set(object_ids))
    if not ids:
        return
    now = utcnow()
    await IndexMarker.bulk_create(
        [
            IndexMarker(
                kind=kind,
                object_id=object_id,
                generation=0,
                synced_generation=0,
                dirtied_at=now,
                pending_since=now,
            )
            for object_id in ids
        ],
        ignore_conflicts=True,
    )
    markers = IndexMarker.filter(kind=kind, object_id__in=ids)
    # A marker that was in sync becomes pending now; one already pending keeps its age.
    await markers.filter(generation=F("synced_generation")).update(pending_since=now)
    # A change may make documents the engine refused acceptable: try them again now.
    await markers.filter(next_attempt_at=SET_ASIDE).update(next_attempt_at=None)
    await markers.update(generation=F("generation") + 1, dirtied_at=now)


async def mark_events(event_ids: Iterable[int]) -> None:
    """An event changed: its own document and its transcript passages."""
    await mark(IndexKind.EVENT, event_ids)


async def mark_people(person_ids: Iterable[int]) -> None:
    """A person's own document changed (not the documents that name them)."""
    await mark(IndexKind.PERSON, person_ids)


async def mark_person_and_dependents(person_id: int) -> None:
    """A person changed: their document, and every event or passage that names them."""
    await mark_people([person_id])
    events = await column(Participation.filter(person_id=person_id), "event_id")
    spoken = await column(
        TranscriptSegment.filter(speaker_id=person_id), "transcript__recording__event_id"
    )
    await mark_events([*events, *spoken])


async def mark_committee_dependents(committee_id: int) -> None:
    """A committee changed: its events, and its members (whose documents list it)."""
    await mark_events(await column(Event.filter(committee_id=committee_id), "id"))
    await mark_people(await column(CommitteeMember.filter(committee_id=committee_id), "person_id"))


async def mark_topic_dependents(topic_id: int) -> None:
    """A topic changed: the events tagged with it."""
    await mark_events(await column(EventTopic.filter(topic_id=topic_id), "event_id"))


async def mark_organisation_dependents(organisation_id: int) -> None:
    """An organisation changed: people affiliated with it, and events it partnered."""
    await mark_people(
        await column(PersonAffiliation.filter(organisation_id=organisation_id), "person_id")
    )
    await mark_events(
        await column(EventOrganisation.filter(organisation_id=organisation_id), "event_id")
    )


@dataclass(frozen=True)
class Claim:
    """One marker a worker holds under lease, and the generation it must sync to."""

    marker_id: int
    kind: IndexKind
    object_id: int
    generation: int
    attempts: int


def _due(now: datetime) -> Q:
    return (
        Q(generation__gt=F("synced_generation"))
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


async def claim(limit: int, lease: timedelta) -> list[Claim]:
    """Takes up to `limit` due markers, oldest first, for `lease`.

    On PostgreSQL the rows are locked with SKIP LOCKED while they are claimed, so
    concurrent workers never take the same marker.
    """
    now = utcnow()
    async with in_transaction():
        rows = (
            await IndexMarker.filter(_due(now))
            .order_by("pending_since", "id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        if not rows:
            return []
        await IndexMarker.filter(id__in=[row.id for row in rows]).update(claimed_until=now + lease)
    return [Claim(row.id, row.kind, row.object_id, row.generation, row.attempts) for row in rows]


async def ack(claims: Iterable[Claim]) -> None:
    """The claims' documents now match the generations they were claimed at.

    Two statements per distinct generation (a batch rarely holds more than two), not
    per marker.
    """
    by_generation: dict[int, list[int]] = defaultdict(list)
    for done in claims:
        by_generation[done.generation].append(done.marker_id)
    async with in_transaction():
        for generation, ids in by_generation.items():
            # Markers written again since the claim stay pending, with their age.
            await IndexMarker.filter(id__in=ids, generation=generation).update(pending_since=None)
            await IndexMarker.filter(id__in=ids).update(
                synced_generation=generation,
                attempts=0,
                next_attempt_at=None,
                claimed_until=None,
                last_error=None,
            )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling, jittered, capped."""
    seconds = min(MAX_BACKOFF.total_seconds(), 0.5 * 2 ** min(attempts, 20))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


async def fail(claims: Iterable[Claim], error: str, *, retry: bool = True) -> None:
    """The claims could not be synced; they are retried after a backoff, or, when the
    engine refuses their documents as they are (`retry=False`), set aside until their
    objects change again. Either way they count as failing until they sync."""
    now = utcnow()
    async with in_transaction():
        for failed in claims:
            await IndexMarker.filter(id=failed.marker_id).update(
                attempts=failed.attempts + 1,
                next_attempt_at=now + backoff(failed.attempts + 1) if retry else SET_ASIDE,
                claimed_until=None,
                last_error=error[:2000],
            )


@dataclass(frozen=True)
class Backlog:
    """How much index work is waiting, and for how long the oldest has waited."""

    size: int
    oldest_age_seconds: float | None
    failing: int
    last_error: str | None


async def backlog() -> Backlog:
    """The pending markers: their number, the oldest one's age, and how many are failing."""
    pending = IndexMarker.filter(generation__gt=F("synced_generation"))
    size = await pending.count()
    oldest = await pending.order_by("pending_since").first()
    failing = await pending.filter(attempts__gt=0).count()
    age = None
    if oldest is not None and oldest.pending_since is not None:
        age = max(0.0, (utcnow() - oldest.pending_since).total_seconds())
    latest_failure = await pending.filter(attempts__gt=0).order_by("-next_attempt_at").first()
    return Backlog(size, age, failing, latest_failure.last_error if latest_failure else None)


@dataclass(frozen=True)
class Withheld:
    """Objects the index may still show but the database no longer does."""

    event_ids: tuple[int, ...] = ()
    person_ids: tuple[int, ...] = ()


# Pending markers (the partial index `index_marker_pending` holds only those) whose
# event is no longer published, or whose person no longer exists. Each marker's row is
# looked up by primary key in a scalar subquery: unlike EXISTS, PostgreSQL cannot turn
# that into a hash of every published event, and a CASE rather than `kind = ... OR ...`
# leaves SQLite no index to prefer over the partial one. Every value is a constant of
# this module, so nothing here comes from a user.
_WITHHELD_SQL = f"""
SELECT m.kind, m.object_id FROM index_marker m
WHERE m.generation > m.synced_generation
AND CASE WHEN m.kind = '{IndexKind.EVENT.value}'
    THEN COALESCE((SELECT e.status FROM event e WHERE e.id = m.object_id), '')
        <> '{EventStatus.PUBLISHED.value}'
    ELSE (SELECT p.id FROM person p WHERE p.id = m.object_id) IS NULL
END
"""


async def withheld() -> Withheld:
    """What searches must leave out until the worker has removed it: one query.

    A marker stays pending from the write that unpublished or deleted its object until
    the worker acks it, and the worker acks only after the index applied the removal.
    So an object missing from this answer is already gone from the index, whichever
    way a worker running at the same time is racing this read.
    """
    rows = await IndexMarker._meta.db.execute_query_dict(_WITHHELD_SQL)
    events = sorted(r["object_id"] for r in rows if r["kind"] == IndexKind.EVENT.value)
    people = sorted(r["object_id"] for r in rows if r["kind"] == IndexKind.PERSON.value)
    return Withheld(tuple(events), tuple(people))


async def requeue_changed_since(since: datetime) -> int:
    """Marks pending again every object dirtied at or after `since` (used by a rebuild)."""
    now = utcnow()
    markers = IndexMarker.filter(dirtied_at__gte=since)
    await markers.filter(generation=F("synced_generation")).update(pending_since=now)
    return await markers.update(generation=F("generation") + 1)


async def retry_now() -> int:
    """Makes every pending marker due at once (after the engine is known to be back),
    but those set aside because the engine refuses their documents as they are."""
    pending = IndexMarker.filter(generation__gt=F("synced_generation"))
    return await pending.exclude(next_attempt_at=SET_ASIDE).update(
        next_attempt_at=None, claimed_until=None
    )
