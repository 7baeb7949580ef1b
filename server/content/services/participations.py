"""Editing an event's participants one at a time: add, remove, reorder.

Each is an update of the event (`edit_event`): it needs the event's version, gives
it a new one, is validated with every rule of the event, and is kept as a revision.
"""

from __future__ import annotations

import re
from dataclasses import replace

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, NotFound, ValidationFailed
from server.content.models import Event, ParticipantRole
from server.content.services.events import edit_event
from server.content.services.inputs import EventInput, ParticipantInput

ParticipantKey = tuple[str, ParticipantRole]
"""A participant on an event: the person's slug and their role (a person may have several)."""


def _key(participant: ParticipantInput) -> ParticipantKey:
    return (participant.person, participant.role)


def _describe(key: ParticipantKey) -> str:
    return f"{key[0]} as {key[1].value}"


def _as_new_participant(error: FieldError, index: int) -> FieldError:
    """An error about the added participant, under `participant` instead of its list index."""
    path = re.sub(rf"^participants\[{index}\]", "participant", error.field)
    return replace(error, field=path)


async def add_participant(
    viewer: Viewer,
    event_slug: str,
    participant: ParticipantInput,
    *,
    version: int,
    position: int | None = None,
) -> Event:
    """Adds a participant to the event, at `position` (0 is first) or else last; errors
    about the new participant are reported under `participant`."""
    inserted_at: list[int] = []

    def add(current: EventInput) -> EventInput:
        if _key(participant) in {_key(p) for p in current.participants}:
            raise ValidationFailed(
                [
                    FieldError(
                        "participant",
                        f"{_describe(_key(participant))} already takes part in the event",
                        ErrorCode.DUPLICATE,
                    )
                ]
            )
        count = len(current.participants)
        at = count if position is None else min(max(0, position), count)
        inserted_at.append(at)
        participants = list(current.participants)
        participants.insert(at, participant)
        return replace(current, participants=participants)

    try:
        return await edit_event(viewer, event_slug, add, version=version)
    except ValidationFailed as failed:
        if not inserted_at:
            raise
        errors = [_as_new_participant(error, inserted_at[0]) for error in failed.errors]
        raise ValidationFailed(errors) from failed


async def remove_participant(
    viewer: Viewer, event_slug: str, key: ParticipantKey, *, version: int
) -> Event:
    """Removes the person (in that role) from the event's participants."""

    def remove(current: EventInput) -> EventInput:
        kept = [p for p in current.participants if _key(p) != key]
        if len(kept) == len(current.participants):
            raise NotFound("participant", _describe(key), key="person and role")
        return replace(current, participants=kept)

    return await edit_event(viewer, event_slug, remove, version=version)


async def reorder_participants(
    viewer: Viewer, event_slug: str, order: list[ParticipantKey], *, version: int
) -> Event:
    """Puts the event's participants in `order`, which must name each of them exactly once."""

    def reorder(current: EventInput) -> EventInput:
        by_key = {_key(p): p for p in current.participants}
        if sorted(order) != sorted(by_key) or len(set(order)) != len(order):
            named = ", ".join(_describe(k) for k in by_key) or "none"
            raise ValidationFailed(
                [
                    FieldError(
                        "participants",
                        f"must name each of the event's {len(by_key)} participants exactly once ({named})",
                        ErrorCode.INVALID,
                    )
                ]
            )
        return replace(current, participants=[by_key[key] for key in order])

    return await edit_event(viewer, event_slug, reorder, version=version)
