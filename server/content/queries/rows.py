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


PUBLISHED_ONLY = f"e.status = '{EventStatus.PUBLISHED.value}'"
"""The condition on an event `e` for viewers who may not read drafts, as `visible_event_q`
puts it for the ORM; the SQL written here (and in event_rows.py) uses this one."""


class _Statement:
    """One SELECT over a batch of ids, with `{ids}` where the id condition goes and
    `{published}` where drafts are left out for viewers who may not read them; one text
    for every dialect, or a text for each."""

    def __init__(self, template: str | dict[str, str]) -> None:
        self.template = template
        self._sql: dict[tuple[str, bool], str] = {}

    def sql(self, dialect: str, drafts: bool, preview_of: int | None = None) -> str:
        if preview_of is not None:  # the one draft a preview token names: not worth keeping
            return self._text(dialect, f"AND ({PUBLISHED_ONLY} OR e.id = {int(preview_of)})")
        key = (dialect, drafts)
        if key not in self._sql:
            self._sql[key] = self._text(dialect, "" if drafts else f"AND {PUBLISHED_ONLY}")
        return self._sql[key]

    def _text(self, dialect: str, published: str) -> str:
        ids = "= ANY($1::int[])" if dialect == "postgres" else "IN (SELECT value FROM json_each(?))"
        template = self.template if isinstance(self.template, str) else self.template[dialect]
        return template.format(ids=ids, published=published)

    async def rows(self, viewer: Viewer, ids: Iterable[int]) -> list[Any]:
        wanted = list(ids)
        if not wanted:
            return []
        client = connections.get("default")
        dialect = client.capabilities.dialect
        parameter = wanted if dialect == "postgres" else json.dumps(wanted)
        sql = self.sql(dialect, viewer.can_read_drafts, viewer.preview_of)
        _, rows = await client.execute_query(sql, [parameter])
        return list(rows)


_COMMITTEES = _Statement(
    "SELECT id, slug, name, description, version FROM committee WHERE id {ids}"
)
_PEOPLE = _Statement("SELECT id, slug, name, bio, links, version FROM person WHERE id {ids}")


def _day(value: date | str) -> date:
    """A DATE column's value: SQLite hands it over as ISO text, PostgreSQL as a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _date(value: date | str | None) -> date | None:
    return None if value is None else _day(value)


class EventRelations(NamedTuple):
    """What a page lists beside an event: its session dates, topics, participations and
    committee."""

    dates: list[date]
    topics: list[TopicRow]
    participations: list[ParticipationRow]
    committee: CommitteeRow | None


NO_RELATIONS = EventRelations([], [], [], None)


# An event `e`'s relations as one JSON array built by the database: its id, its session
# dates, topics and participations (each in the order editors gave) and its committee.
# Read beside a page of events (event_rows.py) or for a batch of event ids (below), so
# that a page's relations cost no statement of their own, or one.
RELATIONS_OF_EVENT = {
    "sqlite": (
        "json_array(e.id, "
        "json((SELECT json_group_array(x.date) FROM (SELECT s.date FROM event_session s "
        "WHERE s.event_id = e.id ORDER BY s.position, s.date) x)), "
        "json((SELECT json_group_array(json_array(x.id, x.slug, x.name, x.version)) FROM "
        "(SELECT t.id, t.slug, t.name, t.version FROM event_topic l "
        "JOIN topic t ON t.id = l.topic_id WHERE l.event_id = e.id "
        "ORDER BY l.position, l.id) x)), "
        "json((SELECT json_group_array(json_array(x.person_id, x.role, x.affiliation, "
        "x.session_date)) FROM (SELECT p.person_id, p.role, p.affiliation, p.session_date "
        "FROM participation p WHERE p.event_id = e.id ORDER BY p.position, p.id) x)), "
        "json((SELECT json_array(c.id, c.slug, c.name, c.description, c.version) "
        "FROM committee c WHERE c.id = e.committee_id)))"
    ),
    "postgres": (
        "json_build_array(e.id, "
        "(SELECT coalesce(json_agg(s.date ORDER BY s.position, s.date), '[]') "
        "FROM event_session s WHERE s.event_id = e.id), "
        "(SELECT coalesce(json_agg(json_build_array(t.id, t.slug, t.name, t.version) "
        "ORDER BY l.position, l.id), '[]') FROM event_topic l "
        "JOIN topic t ON t.id = l.topic_id WHERE l.event_id = e.id), "
        "(SELECT coalesce(json_agg(json_build_array(p.person_id, p.role, p.affiliation, "
        "p.session_date) ORDER BY p.position, p.id), '[]') "
        "FROM participation p WHERE p.event_id = e.id), "
        "(SELECT json_build_array(c.id, c.slug, c.name, c.description, c.version) "
        "FROM committee c WHERE c.id = e.committee_id))"
    ),
}

_EVENT_RELATIONS = _Statement(
    {
        "sqlite": f"SELECT json_group_array({RELATIONS_OF_EVENT['sqlite']}) "
        'FROM "event" e WHERE e.id {ids} {published}',
        "postgres": f"SELECT coalesce(json_agg({RELATIONS_OF_EVENT['postgres']}), '[]') "
        'FROM "event" e WHERE e.id {ids} {published}',
    }
)


_ROLE = {member.value: member for member in ParticipantRole}


def event_relations(value: list[Any] | str) -> tuple[int, EventRelations]:
    """An event's id and relations from the JSON array of `RELATIONS_OF_EVENT`."""
    event_id, dates, topics, participations, committee = (
        json.loads(value) if isinstance(value, str) else value
    )
    return event_id, EventRelations(
        [_day(day) for day in dates],
        [TopicRow(*topic) for topic in topics],
        [
            ParticipationRow(event_id, person_id, _ROLE[role], affiliation, _date(session))
            for person_id, role, affiliation, session in participations
        ],
        None if committee is None else CommitteeRow(*committee),
    )


async def relations_by_event_ids(
    viewer: Viewer, event_ids: Sequence[int]
) -> dict[int, EventRelations]:
    """Each visible event's relations (`RELATIONS_OF_EVENT`), in one statement."""
    rows = await _EVENT_RELATIONS.rows(viewer, event_ids)
    if not rows:
        return {}
    (document,) = rows[0]
    return dict(event_relations(each) for each in json.loads(document or "[]"))


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
