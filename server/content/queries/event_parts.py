"""Reading what hangs off events (partners, recordings, a person's parts), in batches.

Sessions, participations and topics, which every page of events reads, are in rows.py.

Each batch is keyed by event (or person) and skips the parts of events the
viewer may not see, so a loader can never leak a draft's contents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from pypika_tortoise.enums import Order
from pypika_tortoise.queries import Table

from server.auth.viewer import Viewer
from server.content.models import (
    EventOrganisation,
    Participation,
    Recording,
)
from server.content.queries._ranking import first_ids_per_group
from server.content.queries.events import visible_event_q, visible_events

_EVENT = Table("event")
_PARTICIPATION = Table("participation")

Part = TypeVar("Part", EventOrganisation, Participation, Recording)


def _by_event(parts: Iterable[Part]) -> dict[int, list[Part]]:
    grouped: dict[int, list[Part]] = defaultdict(list)
    for part in parts:
        grouped[part.event_id].append(part)
    return dict(grouped)


async def organisations_by_event_ids(
    viewer: Viewer, event_ids: Sequence[int]
) -> dict[int, list[EventOrganisation]]:
    """Each visible event's partner organisations (the links, carrying their role), in order."""
    links = await EventOrganisation.filter(
        visible_event_q(viewer, "event__"), event_id__in=event_ids
    ).order_by("event_id", "position", "id")
    return _by_event(links)


async def recordings_by_event_ids(
    viewer: Viewer, event_ids: Sequence[int]
) -> dict[int, list[Recording]]:
    """Each visible event's recordings, in order."""
    recordings = await Recording.filter(
        visible_event_q(viewer, "event__"), event_id__in=event_ids
    ).order_by("event_id", "position", "id")
    return _by_event(recordings)


async def recordings_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Recording]:
    """The recordings among `ids` whose events the viewer may see, by id."""
    recordings = await Recording.filter(visible_event_q(viewer, "event__"), id__in=list(ids))
    return {recording.id: recording for recording in recordings}


async def participations_by_person_ids(
    viewer: Viewer, person_ids: Sequence[int], limit: int
) -> dict[int, list[Participation]]:
    """Each person's `limit` most recent participations in visible events, newest event first."""
    ids = await first_ids_per_group(
        visible_events(viewer).filter(participations__person_id__in=person_ids),
        group=_PARTICIPATION.person_id,
        item=_PARTICIPATION.id,
        order=(
            (_EVENT.start_date, Order.desc),
            (_EVENT.id, Order.desc),
            (_PARTICIPATION.position, Order.asc),
            (_PARTICIPATION.id, Order.asc),
        ),
        limit=limit,
    )
    wanted = {pid for group in ids.values() for pid in group}
    found = {p.id: p for p in await Participation.filter(id__in=wanted)} if wanted else {}
    return {person_id: [found[i] for i in group] for person_id, group in ids.items()}
