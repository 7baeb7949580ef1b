"""Reading event revisions: the history of changes, which only editors may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from server.auth.viewer import Viewer
from server.content.models import EventRevision


async def revisions_by_event_ids(
    viewer: Viewer, event_ids: Sequence[int]
) -> dict[int, list[EventRevision]]:
    """Each event's revisions, oldest first; none at all for viewers who may not write."""
    if not viewer.can_write:
        return {}
    found: dict[int, list[EventRevision]] = defaultdict(list)
    for row in await EventRevision.filter(event_id__in=list(event_ids)).order_by(
        "event_id", "number"
    ):
        found[row.event_id].append(row)
    return found
