"""Pages of events as plain rows, from SQL written here rather than built by the ORM.

The frontend's list of events is the API's busiest read. Through the ORM each page
rebuilt its SQL twice (the count, then the slice) and built a full model per row,
`editor_note` included, a sixth of the page's CPU. Here the conditions of an
`EventFilter` become one statement, whose rows carry the slice and, beside each row,
the count of the whole list (an uncorrelated subquery, run once); the rows come back
as `EventRow`s with the public columns only. A page taken from the end (`last`) or
found empty reads the count on its own, as it needs it to place the slice. Asked
`with_relations`, each row also brings the event's dates, topics, participations and
committee (rows.RELATIONS_OF_EVENT), so a page and what it lists cost one statement.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from tortoise.connection import connections

from server.auth.viewer import Viewer
from server.content.models import DateCertainty, EventFormat, EventStatus, Platform
from server.content.queries.paging import OrderDirection, Page, PageRequest
from server.content.queries.rows import (
    PUBLISHED_ONLY,
    RELATIONS_OF_EVENT,
    EventRelations,
    event_relations,
)

if TYPE_CHECKING:
    from server.content.queries.events import EventFilter


class EventRow(NamedTuple):
    """An event's public columns, as the GraphQL type reads them."""

    id: int
    slug: str
    title: str
    summary: str
    body: str
    outcomes: str | None
    status: EventStatus
    date_certainty: DateCertainty
    date_note: str | None
    place: str | None
    format: EventFormat | None
    platform: Platform | None
    image_src: str | None
    image_alt: str | None
    image_credit: str | None
    image_credit_url: str | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    committee_id: int | None
    relations: EventRelations | None = None
    """Its dates, topics, participations and committee, when the page was asked with them."""


_COLUMNS = ", ".join(f"e.{name}" for name in EventRow._fields if name != "relations")


class _Statement:
    """SQL text and its parameters, numbered so the count's subquery can reuse them."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgres"
        self.parameters: list[Any] = []

    def parameter(self, value: Any) -> str:
        if isinstance(value, date) and not self.postgres:
            value = value.isoformat()  # SQLite keeps dates as ISO text
        self.parameters.append(value)
        number = len(self.parameters)
        return f"${number}" if self.postgres else f"?{number}"


def _conditions(statement: _Statement, viewer: Viewer, filter: EventFilter) -> str:
    """The WHERE clause for the events `viewer` may see that match `filter`."""
    p = statement.parameter
    conditions = []
    if viewer.preview_of is not None:
        conditions.append(f"({PUBLISHED_ONLY} OR e.id = {p(viewer.preview_of)})")
    elif not viewer.can_read_drafts:
        conditions.append(PUBLISHED_ONLY)
    if filter.committee is not None:
        conditions.append(
            f"e.committee_id IN (SELECT c.id FROM committee c WHERE c.slug = {p(filter.committee)})"
        )
    if filter.topic is not None:
        conditions.append(
            "e.id IN (SELECT l.event_id FROM event_topic l JOIN topic t ON t.id = l.topic_id "
            f"WHERE t.slug = {p(filter.topic)})"
        )
    if filter.person is not None or filter.role is not None:
        # One subquery for both, so that they must hold on the same participation.
        taking_part = []
        if filter.person is not None:
            taking_part.append(
                f"r.person_id IN (SELECT h.id FROM person h WHERE h.slug = {p(filter.person)})"
            )
        if filter.role is not None:
            taking_part.append(f"r.role = {p(filter.role.value)}")
        conditions.append(
            f"e.id IN (SELECT r.event_id FROM participation r WHERE {' AND '.join(taking_part)})"
        )
    if filter.platform is not None:
        conditions.append(f"e.platform = {p(filter.platform.value)}")
    if filter.status is not None:
        conditions.append(f"e.status = {p(filter.status.value)}")
    if filter.date_from is not None:
        conditions.append(f"e.end_date >= {p(filter.date_from)}")
    if filter.date_to is not None:
        conditions.append(f"e.start_date <= {p(filter.date_to)}")
    return " AND ".join(conditions) or "1 = 1"


async def event_page(
    viewer: Viewer,
    filter: EventFilter,
    direction: OrderDirection,
    page: PageRequest,
    with_relations: bool = False,
) -> Page[EventRow]:
    """One page of the events `viewer` may see that match `filter`, by date and then id in
    `direction`; each with its relations too when asked `with_relations`."""
    client = connections.get("default")
    statement = _Statement(client.capabilities.dialect)
    where = _conditions(statement, viewer, filter)
    columns = _COLUMNS
    if with_relations:
        columns += f", {RELATIONS_OF_EVENT[client.capabilities.dialect]} AS relations"
    order = "DESC" if direction is OrderDirection.DESC else "ASC"
    count = f'SELECT COUNT(*) FROM "event" e WHERE {where}'

    def slice_of(start: int, stop: int | None, with_count: bool) -> str:
        limit = "" if stop is None else f" LIMIT {stop - start}"
        if not limit and not statement.postgres:
            limit = " LIMIT -1"  # SQLite takes OFFSET only after a LIMIT
        total = f", ({count}) AS total" if with_count else ""
        return (
            f'SELECT {columns}{total} FROM "event" e WHERE {where} '
            f"ORDER BY e.start_date {order}, e.id {order}{limit} OFFSET {start}"
        )

    if page.last is None:
        # The slice's place is known without the count: read both in one statement.
        start = 0 if page.after is None else page.after + 1
        stop = None if page.before is None else max(page.before, start)
        if page.first is not None:
            stop = start + page.first if stop is None else min(stop, start + page.first)
        if stop is None or stop > start:
            _, rows = await client.execute_query(
                slice_of(start, stop, with_count=True), statement.parameters
            )
            if rows:
                events = [_event(row, with_relations) for row in rows]
                return Page(rows=events, start=start, total=rows[0][-1])

    # From the end, or nothing at the requested place: count first, then read the slice.
    _, counted = await client.execute_query(count, statement.parameters)
    total = counted[0][0]
    start, stop = page.bounds(total)
    rows = []
    if stop > start:
        _, rows = await client.execute_query(
            slice_of(start, stop, with_count=False), statement.parameters
        )
    return Page(rows=[_event(row, with_relations) for row in rows], start=start, total=total)


def _moment(value: datetime | str | None) -> datetime | None:
    """A timestamp column's value in UTC: SQLite hands it over as ISO text."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is UTC:  # what SQLite's text and PostgreSQL's UTC session give
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# Enum members by stored value: a dict lookup where calling the enum searches for it.
_STATUS = {member.value: member for member in EventStatus}
_FORMAT = {member.value: member for member in EventFormat}
_CERTAINTY = {member.value: member for member in DateCertainty}
_PLATFORM = {member.value: member for member in Platform}


def _event(row: Any, with_relations: bool) -> EventRow:
    values = tuple(row)
    (
        id, slug, title, summary, body, outcomes, status, date_certainty, date_note,
        place, format, platform, image_src, image_alt, image_credit, image_credit_url,
        published_at, created_at, updated_at, version, committee_id,
    ) = values[:21]  # fmt: skip
    relations = event_relations(values[21])[1] if with_relations else None
    created = _moment(created_at)
    updated = _moment(updated_at)
    assert created is not None and updated is not None, "both columns are NOT NULL"
    return EventRow(
        id,
        slug,
        title,
        summary,
        body,
        outcomes,
        _STATUS[status],
        _CERTAINTY[date_certainty],
        date_note,
        place,
        None if format is None else _FORMAT[format],
        None if platform is None else _PLATFORM[platform],
        image_src,
        image_alt,
        image_credit,
        image_credit_url,
        _moment(published_at),
        created,
        updated,
        version,
        committee_id,
        relations,
    )
