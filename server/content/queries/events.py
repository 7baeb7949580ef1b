"""Reading events: one by slug, filtered and ordered pages, and batches for loaders.

Every ORM query here starts from `visible_events(viewer)`, and the SQL written by
hand for the busiest reads (rows.py, event_rows.py) uses `rows.PUBLISHED_ONLY`: the
rule "the public sees published events only" is stated once for each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from pypika_tortoise.enums import Order
from pypika_tortoise.queries import Table
from pypika_tortoise.terms import Term
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server.auth.viewer import Viewer
from server.content.models import (
    Event,
    EventStatus,
    ParticipantRole,
    Platform,
)
from server.content.queries._ranking import first_ids_per_group
from server.content.queries.event_rows import EventRow, event_page
from server.content.queries.paging import OrderDirection, Page, PageRequest

_EVENT = Table("event")
# Reverse relations are joined under their table's own name.
_PARTICIPATION = Table("participation")
_EVENT_TOPIC = Table("event_topic")
_NEWEST_FIRST = ((_EVENT.start_date, Order.desc), (_EVENT.id, Order.desc))


class EventOrderField(str, Enum):
    """What a list of events can be sorted by."""

    DATE = "DATE"


@dataclass(frozen=True)
class EventOrder:
    """How to sort a list of events; ties are broken by id, in the same direction."""

    field: EventOrderField = EventOrderField.DATE
    direction: OrderDirection = OrderDirection.DESC


@dataclass(frozen=True)
class EventFilter:
    """Which events to list; every criterion given must hold.

    `person` and `role` together mean "that person, in that role". The dates
    keep events whose span, first session to last, overlaps `date_from` to
    `date_to` (both inclusive, either open).
    """

    committee: str | None = None
    topic: str | None = None
    person: str | None = None
    role: ParticipantRole | None = None
    platform: Platform | None = None
    status: EventStatus | None = None
    date_from: date | None = None
    date_to: date | None = None


def visible_event_q(viewer: Viewer, path: str = "") -> Q:
    """The condition an event reached through `path` (such as `"event__"`) must meet to be seen."""
    if viewer.can_read_drafts:
        return Q()
    published = Q(**{f"{path}status": EventStatus.PUBLISHED})
    if viewer.preview_of is not None:  # the public's events, and the one previewed draft
        return published | Q(**{f"{path}id": viewer.preview_of})  # type: ignore[arg-type]  # keyword filters
    return published


def visible_events(viewer: Viewer) -> QuerySet[Event]:
    """Every event the viewer may see: published ones, and drafts for editors (and the
    one draft a preview token names)."""
    return Event.filter(visible_event_q(viewer))


async def get_event_by_slug(viewer: Viewer, slug: str) -> Event | None:
    """The event with this slug, if the viewer may see it."""
    return await visible_events(viewer).get_or_none(slug=slug)


async def list_events(
    viewer: Viewer,
    filter: EventFilter | None = None,
    order: EventOrder | None = None,
    page: PageRequest | None = None,
    with_relations: bool = False,
) -> Page[EventRow]:
    """One page of the events the viewer may see that match `filter`, sorted by `order`,
    each with its dates, topics, participations and committee if asked `with_relations`.

    Read as plain rows by SQL of its own (event_rows.py): the busiest read of the API.
    Ties on the date are broken by id, in the same direction, so that reversing the
    direction reverses the list exactly.
    """
    order = order or EventOrder()
    return await event_page(
        viewer, filter or EventFilter(), order.direction, page or PageRequest(), with_relations
    )


async def events_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Event]:
    """The events among `ids` that the viewer may see, by id."""
    return {event.id: event for event in await visible_events(viewer).filter(id__in=list(ids))}


async def events_by_committee_ids(
    viewer: Viewer, committee_ids: Sequence[int], limit: int
) -> dict[int, list[Event]]:
    """Each committee's newest `limit` visible events."""
    return await _newest_per_group(
        visible_events(viewer).filter(committee_id__in=committee_ids),
        group=_EVENT.committee_id,
        limit=limit,
    )


async def events_by_topic_ids(
    viewer: Viewer, topic_ids: Sequence[int], limit: int
) -> dict[int, list[Event]]:
    """Each topic's newest `limit` visible events."""
    return await _newest_per_group(
        visible_events(viewer).filter(topic_links__topic_id__in=topic_ids),
        group=_EVENT_TOPIC.topic_id,
        limit=limit,
    )


async def events_by_person_ids(
    viewer: Viewer, person_ids: Sequence[int], limit: int
) -> dict[int, list[Event]]:
    """Each person's newest `limit` visible events, once each whatever their roles there."""
    return await _newest_per_group(
        visible_events(viewer).filter(participations__person_id__in=person_ids),
        group=_PARTICIPATION.person_id,
        limit=limit,
        items_repeat=True,
    )


async def _newest_per_group(
    queryset: QuerySet[Event], *, group: Term, limit: int, items_repeat: bool = False
) -> dict[int, list[Event]]:
    ids = await first_ids_per_group(
        queryset,
        group=group,
        item=_EVENT.id,
        order=_NEWEST_FIRST,
        limit=limit,
        items_repeat=items_repeat,
    )
    wanted = {event_id for event_ids in ids.values() for event_id in event_ids}
    events = {event.id: event for event in await Event.filter(id__in=wanted)} if wanted else {}
    return {key: [events[i] for i in event_ids] for key, event_ids in ids.items()}
