"""Changes to an event's state that go through its update: publishing, unpublishing, restoring."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from server.auth.viewer import Viewer
from server.content.errors import NotFound
from server.content.models import Event, EventRevision, EventStatus, RevisionAction
from server.content.services.editing import get_by_slug
from server.content.services.events import edit_event
from server.content.services.revisions import snapshot_input
from server.content.services.writes import require_writer


async def publish_event(viewer: Viewer, slug: str, *, version: int) -> Event:
    """Makes the event public; publishing a published event changes nothing.

    A scheduled publication (`publish_at`) is done with, whoever published it: an
    editor by hand, or the scheduler (server/content/scheduling.py) on time.
    """
    publish = partial(replace, status=EventStatus.PUBLISHED, publish_at=None)
    return await edit_event(viewer, slug, publish, version=version, action=RevisionAction.PUBLISH)


async def unpublish_event(viewer: Viewer, slug: str, *, version: int) -> Event:
    """Makes the event a draft again, hidden from the public and the search index; a
    scheduled unpublication (`unpublish_at`) is done with."""
    unpublish = partial(replace, status=EventStatus.DRAFT, unpublish_at=None)
    return await edit_event(
        viewer, slug, unpublish, version=version, action=RevisionAction.UNPUBLISH
    )


async def restore_event_revision(viewer: Viewer, slug: str, number: int, *, version: int) -> Event:
    """Brings the event's content back to what revision `number` kept, as a new revision.

    Whether the event is published, its schedule and its recordings stay as they are:
    restoring content never publishes or unpublishes it.
    """
    require_writer(viewer)
    event = await get_by_slug(Event, slug)
    if event is None:
        raise NotFound("event", slug)
    revision = await EventRevision.get_or_none(event_id=event.id, number=number)
    if revision is None:
        raise NotFound("revision", str(number), key="number")
    kept = snapshot_input(revision.snapshot)
    return await edit_event(
        viewer,
        slug,
        lambda current: replace(
            kept,
            status=current.status,
            recordings=current.recordings,
            publish_at=current.publish_at,
            unpublish_at=current.unpublish_at,
        ),
        version=version,
        action=RevisionAction.RESTORE,
    )
