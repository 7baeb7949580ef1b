"""Choosing one of an event's recordings by its URL, its title or its global ID.

Seeded recordings often have no URL, and an event may have several; people name the
one they mean by whichever they know, as `cms transcripts import --recording` and
`cms recordings set-url --recording` do.
"""

from __future__ import annotations

import base64

from server.content.errors import NotFound, RecordingChoice, RecordingNotChosen
from server.content.models import Event, Recording
from server.content.services.editing import get_by_slug

NODE_TYPE = "Recording"


def global_id(recording_id: int) -> str:
    """The recording's global ID as the API writes it: base64 of `Recording:<id>`."""
    return base64.b64encode(f"{NODE_TYPE}:{recording_id}".encode()).decode()


def _names(recording: Recording, target: str) -> bool:
    return (
        target == global_id(recording.id)
        or (recording.url is not None and target == recording.url)
        or target.casefold() == recording.title.casefold()
    )


async def event_recordings(event_slug: str) -> tuple[Event, list[Recording]]:
    """The event with this slug and its recordings, in order; NotFound without it."""
    event = await get_by_slug(Event, event_slug)
    if event is None:
        raise NotFound("event", event_slug)
    return event, await Recording.filter(event_id=event.id).order_by("position", "id")


def choices(recordings: list[Recording]) -> list[RecordingChoice]:
    """The recordings as people pick them: title, URL and global ID."""
    return [RecordingChoice(r.title, r.url, global_id(r.id)) for r in recordings]


def choose_recording(event: Event, recordings: list[Recording], target: str | None) -> Recording:
    """The one recording `target` names: by global ID, URL or title (in any case).

    Without a target, the event's only recording. Raises RecordingNotChosen, listing
    the event's recordings, when the target names none or several, or when no target
    is given and the event has not exactly one.
    """
    target = target.strip() if target is not None else None
    if target is None:
        matches = recordings
    else:
        matches = [recording for recording in recordings if _names(recording, target)]
    if len(matches) == 1:
        return matches[0]
    raise RecordingNotChosen(event.slug, target or None, len(matches), choices(recordings))
