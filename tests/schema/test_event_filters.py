"""`events` filters by committee, topic, person, role, platform, status and dates; sorts by date."""

from __future__ import annotations

from datetime import date

import pytest
import strawberry

from server.content.models import EventStatus, ParticipantRole, Platform
from server.database import Database
from tests.factories import make_committee, make_event, make_person, make_topic
from tests.schema.conftest import ContextFactory

FILTERED_EVENTS = """
query FilteredEvents($filter: EventFilter, $orderBy: EventOrder) {
  events(filter: $filter, orderBy: $orderBy, first: 100) { totalCount nodes { slug } }
}
"""


async def _slugs(
    schema: strawberry.Schema, context: ContextFactory, **variables: object
) -> list[str]:
    result = await schema.execute(
        FILTERED_EVENTS, variable_values=variables, context_value=context()
    )
    assert result.errors is None
    events = result.data["events"]
    assert events["totalCount"] == len(events["nodes"])
    return [node["slug"] for node in events["nodes"]]


@pytest.fixture
async def programme(db: Database) -> None:
    """Four events that differ in one respect each from the next."""
    hrd = await make_committee(slug="hrd")
    justice = await make_committee(slug="justice-corner")
    climate = await make_topic(slug="climate")
    refugees = await make_topic(slug="refugees")
    antonio = await make_person(slug="antonio")
    esra = await make_person(slug="esra")
    await make_event(
        slug="impunity",
        committee=hrd,
        dates=[date(2021, 6, 26)],
        platform=Platform.YOUTUBE,
        topics=[refugees],
        participants=[(antonio, ParticipantRole.PANELLIST), (esra, ParticipantRole.MODERATOR)],
    )
    await make_event(
        slug="workshops",
        committee=hrd,
        dates=[date(2021, 3, 29), date(2021, 5, 17)],
        platform=Platform.ZOOM,
        participants=[(esra, ParticipantRole.PANELLIST)],
    )
    await make_event(
        slug="earth-day",
        committee=justice,
        dates=[date(2021, 4, 22)],
        platform=Platform.INSTAGRAM,
        topics=[climate, refugees],
        participants=[(antonio, ParticipantRole.HOST)],
    )
    await make_event(
        slug="clean-up",
        committee=justice,
        dates=[date(2020, 9, 19)],
        topics=[climate],
        status=EventStatus.DRAFT,
    )


@pytest.mark.usefixtures("programme")
@pytest.mark.parametrize(
    ("event_filter", "expected"),
    [
        ({}, ["impunity", "earth-day", "workshops"]),
        ({"committee": "hrd"}, ["impunity", "workshops"]),
        ({"committee": "nobody"}, []),
        ({"topic": "climate"}, ["earth-day"]),
        ({"topic": "refugees"}, ["impunity", "earth-day"]),
        ({"person": "antonio"}, ["impunity", "earth-day"]),
        ({"role": "PANELLIST"}, ["impunity", "workshops"]),
        ({"person": "antonio", "role": "PANELLIST"}, ["impunity"]),
        ({"person": "esra", "role": "HOST"}, []),
        ({"platform": "ZOOM"}, ["workshops"]),
        ({"status": "PUBLISHED"}, ["impunity", "earth-day", "workshops"]),
        ({"status": "DRAFT"}, []),
        # The workshops span 29 March to 17 May, so they overlap April.
        ({"from": "2021-04-01", "to": "2021-04-30"}, ["earth-day", "workshops"]),
        ({"from": "2021-05-17"}, ["impunity", "workshops"]),
        ({"to": "2021-03-29"}, ["workshops"]),
        ({"committee": "hrd", "topic": "refugees", "platform": "YOUTUBE"}, ["impunity"]),
    ],
)
async def test_each_filter_narrows_the_published_events(
    schema: strawberry.Schema, anonymous: ContextFactory, event_filter: dict, expected: list[str]
) -> None:
    assert await _slugs(schema, anonymous, filter=event_filter) == expected


@pytest.mark.usefixtures("programme")
async def test_editors_can_filter_on_drafts(
    schema: strawberry.Schema, editor: ContextFactory
) -> None:
    assert await _slugs(schema, editor, filter={"status": "DRAFT"}) == ["clean-up"]
    assert await _slugs(schema, editor, filter={"topic": "climate"}) == ["earth-day", "clean-up"]


async def test_events_sort_by_date_either_way_with_ties_broken_by_id(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await make_event(slug="march", dates=[date(2021, 3, 1)])
    await make_event(slug="may-a", dates=[date(2021, 5, 1)])
    await make_event(slug="may-b", dates=[date(2021, 5, 1)])
    await make_event(slug="april", dates=[date(2021, 4, 1)])

    newest_first = await _slugs(schema, anonymous)
    explicit_desc = await _slugs(schema, anonymous, orderBy={"field": "DATE", "direction": "DESC"})
    oldest_first = await _slugs(schema, anonymous, orderBy={"field": "DATE", "direction": "ASC"})

    assert newest_first == explicit_desc == ["may-b", "may-a", "april", "march"]
    assert oldest_first == ["march", "april", "may-a", "may-b"]
