"""Write services for an event's recordings, one at a time; each has a version of its own.

Positions stay 0, 1, 2, … without gaps, as a seed file lists them, so that exporting
and seeding again matches every recording (and its transcript) to itself.
"""

from __future__ import annotations

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import NotFound, ValidationFailed
from server.content.models import Event, Recording
from server.content.services.editing import get_by_slug
from server.content.services.events import check_recording, normalise_recording
from server.content.services.inputs import RecordingInput, RecordingPatch, apply_patch
from server.content.services.validation import Checker
from server.content.services.writes import check_version, claim_version, require_writer, save_row
from server.indexing import outbox
from server.webhooks import changes as webhooks


def _validate(data: RecordingInput) -> None:
    check = Checker()
    check_recording(check, data)
    if check.errors:
        raise ValidationFailed(check.errors)


async def _recording(recording_id: int) -> Recording:
    recording = await Recording.get_or_none(id=recording_id)
    if recording is None:
        raise NotFound("recording", str(recording_id), key="id")
    return recording


async def create_recording(viewer: Viewer, event_slug: str, data: RecordingInput) -> Recording:
    """Adds a recording to the end of the event's list."""
    require_writer(viewer)
    data = normalise_recording(data)
    _validate(data)
    async with in_transaction():  # the index work commits with the change, or not at all
        event = await get_by_slug(Event, event_slug)
        if event is None:
            raise NotFound("event", event_slug)
        position = await Recording.filter(event_id=event.id).count()
        recording, _ = await save_row(
            Recording,
            None,
            {
                "event_id": event.id,
                "title": data.title,
                "platform": data.platform,
                "url": data.url,
                "position": position,
            },
        )
        await outbox.mark_events([event.id])
        await webhooks.recordings_changed(event.id)
    return recording


async def update_recording(
    viewer: Viewer, recording_id: int, patch: RecordingPatch, *, version: int
) -> Recording:
    """Changes the recording, if it is still at `version`; its transcript stays with it."""
    require_writer(viewer)
    recording = await _recording(recording_id)
    check_version(recording, version)
    current = RecordingInput(title=recording.title, platform=recording.platform, url=recording.url)
    data = normalise_recording(apply_patch(current, patch))
    _validate(data)
    if data == current:
        return recording
    values = {"title": data.title, "platform": data.platform, "url": data.url}
    async with in_transaction():
        row, _ = await save_row(Recording, recording, values, version=version)
        await outbox.mark_events([row.event_id])
        await webhooks.recordings_changed(row.event_id)
    return row


async def delete_recording(viewer: Viewer, recording_id: int, *, version: int) -> Recording:
    """Deletes the recording and its transcript; the recordings after it move up one place."""
    require_writer(viewer)
    async with in_transaction():
        recording = await _recording(recording_id)
        await claim_version(Recording, recording.id, version)
        await outbox.mark_events([recording.event_id])  # its passages leave the index
        await webhooks.recordings_changed(recording.event_id)
        await recording.delete()
        await Recording.filter(event_id=recording.event_id, position__gt=recording.position).update(
            position=F("position") - 1
        )
    return recording
