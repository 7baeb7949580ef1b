"""The loaders' hottest reads, as plain rows from SQL written once per shape.

A page of events reads its sessions, participations, topics, committees and people
in one batch each; through the ORM each batch rebuilt its SQL and built a model per
row, a fifth of the page's CPU. These statements are written once per dialect, take
the whole batch of ids as one parameter (a JSON array on SQLite, an array on
PostgreSQL), and come back as named tuples carrying the fields the GraphQL types
read. Visibility is the same rule as `visible_event_q`: drafts only for editors.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from tortoise.connection import connections

from server.auth.viewer import Viewer
from server.content.models import EventStatus, ParticipantRole


class TopicRow(NamedTuple):
    id: int
    slug: str
    name: str
    version: int


class CommitteeRow(NamedTuple):
    id: int
    slug: str
    name: str
    description: str
    version: int


class PersonRow(NamedTuple):
    id: int
    slug: str
    name: str
    bio: str
    links: list[dict[str, str]]
    version: int


class ParticipationRow(NamedTuple):
    event_id: int
    person_id: int
    role: ParticipantRole
    affiliation: str | None
    session_date: date | None


_PUBLISHED = f"AND e.status = '{EventStatus.PUBLISHED.value}'"


class _Statement:
    """One SELECT over a batch of ids, with `{ids}` where the id condition goes and
    `{published}` where drafts are left out for viewers who may not read them."""

    def __init__(self, template: str) -> None:
        self.template = template
        self._sql: dict[tuple[str, bool], str] = {}

    def sql(self, dialect: str, drafts: bool) -> str:
        key = (dialect, drafts)
        if key not in self._sql:
            ids = (
                "= ANY($1::int[])"
                if dialect == "postgres"
                else "IN (SELECT value FROM json_each(?))"
            )
            self._sql[key] = self.template.format(ids=ids, published="" if drafts else _PUBLISHED)
        return self._sql[key]

    async def rows(self, viewer: Viewer, ids: Iterable[int]) -> list[Any]:
        wanted = list(ids)
        if not wanted:
            return []
        client = connections.get("default")
        dialect = client.capabilities.dialect
        parameter = wanted if dialect == "postgres" else json.dumps(wanted)
        _, rows = await client.execute_query(self.sql(dialect, viewer.can_read_drafts), [parameter])
        return list(rows)


_SESSIONS = _Statement(
    "SELECT s.event_id, s.date FROM event_session s JOIN event e ON e.id = s.event_id "
    "WHERE s.event_id {ids} {published} ORDER BY s.event_id, s.position, s.date"
)
_PARTICIPATIONS = _Statement(
    "SELECT p.event_id, p.person_id, p.role, p.affiliation, p.session_date "
    "FROM participation p JOIN event e ON e.id = p.event_id "
    "WHERE p.event_id {ids} {published} ORDER BY p.event_id, p.position, p.id"
)
_TOPICS = _Statement(
    "SELECT l.event_id, t.id, t.slug, t.name, t.version FROM event_topic l "
    "JOIN event e ON e.id = l.event_id JOIN topic t ON t.id = l.topic_id "
    "WHERE l.event_id {ids} {published} ORDER BY l.event_id, l.position, l.id"
)
_COMMITTEES = _Statement(
    "SELECT id, slug, name, description, version FROM committee WHERE id {ids}"
)
_PEOPLE = _Statement("SELECT id, slug, name, bio, links, version FROM person WHERE id {ids}")


def _day(value: date | str) -> date:
    """A DATE column's value: SQLite hands it over as ISO text, PostgreSQL as a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _date(value: date | str | None) -> date | None:
    return None if value is None else _day(value)


async def dates_by_event_ids(viewer: Viewer, event_ids: Sequence[int]) -> dict[int, list[date]]:
    """Each visible event's session dates, in session order."""
    grouped: dict[int, list[date]] = defaultdict(list)
    for event_id, day in await _SESSIONS.rows(viewer, event_ids):
        grouped[event_id].append(_day(day))
    return dict(grouped)


async def participations_by_event_ids(
    viewer: Viewer, event_ids: Sequence[int]
) -> dict[int, list[ParticipationRow]]:
    """Each visible event's participations, in the order editors gave them."""
    grouped: dict[int, list[ParticipationRow]] = defaultdict(list)
    for event_id, person_id, role, affiliation, session in await _PARTICIPATIONS.rows(
        viewer, event_ids
    ):
        grouped[event_id].append(
            ParticipationRow(
                event_id, person_id, ParticipantRole(role), affiliation, _date(session)
            )
        )
    return dict(grouped)


async def topics_by_event_ids(
    viewer: Viewer, event_ids: Sequence[int]
) -> dict[int, list[TopicRow]]:
    """Each visible event's topics, in the order editors gave them."""
    grouped: dict[int, list[TopicRow]] = defaultdict(list)
    for event_id, *topic in await _TOPICS.rows(viewer, event_ids):
        grouped[event_id].append(TopicRow(*topic))
    return dict(grouped)


async def committees_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, CommitteeRow]:
    """The committees among `ids`, by id."""
    return {row[0]: CommitteeRow(*row) for row in await _COMMITTEES.rows(viewer, ids)}


async def people_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, PersonRow]:
    """The people among `ids`, by id."""
    people = {}
    for person_id, slug, name, bio, links, version in await _PEOPLE.rows(viewer, ids):
        if isinstance(links, str):
            links = json.loads(links)
        people[person_id] = PersonRow(person_id, slug, name, bio, links, version)
    return people
