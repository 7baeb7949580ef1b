"""What the content services tell webhooks, in the words of the public: each write calls
one of these inside its transaction, and they record the deliveries (outbox.record).

An event is told about only while the public can see it (see events.py), so an
event's type follows its status before and after the change.
"""

from __future__ import annotations

from tortoise.models import Model

from server.content.models import Event, EventStatus, Recording
from server.webhooks.events import Action, ObjectKind, Subject
from server.webhooks.outbox import record


def _event_action(before: EventStatus | None, after: EventStatus) -> Action | None:
    was_public = before is EventStatus.PUBLISHED
    if after is EventStatus.PUBLISHED:
        return Action.UPDATED if was_public else Action.PUBLISHED
    return Action.UNPUBLISHED if was_public else None


async def event_written(
    event: Event, status_before: EventStatus | None, slug_before: str | None
) -> None:
    """An event was created or changed (its status before is None for a new one)."""
    action = _event_action(status_before, event.status)
    if action is not None:
        await record(
            action, Subject(ObjectKind.EVENT, event.id, event.slug, event.version, slug_before)
        )


async def event_deleted(event: Event) -> None:
    """An event is being deleted; told only when it was published."""
    if event.status is EventStatus.PUBLISHED:
        subject = Subject(ObjectKind.EVENT, event.id, event.slug, event.version)
        await record(Action.DELETED, subject)


async def recordings_changed(event_id: int) -> None:
    """A recording of the event was added, changed or removed: the event's page changed."""
    event = await Event.get_or_none(id=event_id)
    if event is not None and event.status is EventStatus.PUBLISHED:
        subject = Subject(ObjectKind.EVENT, event.id, event.slug, event.version)
        await record(Action.UPDATED, subject)


async def directory_written(
    kind: ObjectKind, row: Model, created: bool, slug_before: str | None
) -> None:
    """A person, committee, topic or organisation was created or changed (all are public)."""
    subject = Subject(kind, row.pk, row.slug, row.version, slug_before)  # type: ignore[attr-defined]  # every directory model has a slug and a version
    await record(Action.PUBLISHED if created else Action.UPDATED, subject)


async def directory_deleted(kind: ObjectKind, row: Model) -> None:
    """A person, committee, topic or organisation is being deleted."""
    subject = Subject(kind, row.pk, row.slug, row.version)  # type: ignore[attr-defined]  # as above
    await record(Action.DELETED, subject)


async def transcript_changed(recording: Recording, action: Action) -> None:
    """A recording's transcript was added (PUBLISHED), replaced (UPDATED) or removed
    (DELETED); told only while its event is published."""
    event = await Event.get_or_none(id=recording.event_id)
    if event is not None and event.status is EventStatus.PUBLISHED:
        subject = Subject(ObjectKind.TRANSCRIPT, recording.id, event.slug, event.version)
        await record(action, subject)
