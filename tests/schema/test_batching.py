"""Relations are batched by loaders: a page of 50 events costs as many queries as a page of 5."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import strawberry

from server.content.models import ParticipantRole
from server.database import Database
from tests.conftest import QueryCounter
from tests.factories import make_committee, make_event, make_organisation, make_person, make_topic
from tests.schema.conftest import ContextFactory

EVENTS_WITH_RELATIONS = """
query EventsWithRelations($first: Int!) {
  events(first: $first) {
    totalCount
    edges {
      node {
        slug
        dates
        committee { name }
        participants { role person { name affiliations { title organisation { name } } } }
        topics { name }
        recordings { title }
        organisations { role organisation { name } }
      }
    }
  }
}
"""

PEOPLE_WITH_EVENTS = """
query PeopleWithEvents($first: Int!) {
  people(first: $first) {
    nodes {
      name
      events(first: 3) { slug committee { name } }
      participations(first: 3) { role event { slug } }
    }
  }
  committees(first: $first) { nodes { members { person { name } } events(first: 3) { slug } } }
  topics(first: $first) { nodes { events(first: 3) { slug } } }
}
"""


@pytest.fixture
async def fifty_events(db: Database) -> None:
    committees = [await make_committee() for _ in range(3)]
    topics = [await make_topic() for _ in range(4)]
    organisation = await make_organisation()
    for i in range(50):
        speaker = await make_person(affiliations=[("Lawyer", organisation)])
        host = await make_person()
        await make_event(
            dates=[date(2021, 1, 1) + timedelta(days=i)],
            committee=committees[i % 3],
            participants=[(speaker, ParticipantRole.SPEAKER), (host, ParticipantRole.HOST)],
            topics=[topics[i % 4], topics[(i + 1) % 4]],
            organisations=[organisation],
            recordings=[f"Recording {i}"],
        )


async def _count_queries(
    schema: strawberry.Schema,
    context: ContextFactory,
    count_queries: QueryCounter,
    document: str,
    first: int,
) -> int:
    count_queries.reset()
    result = await schema.execute(
        document, variable_values={"first": first}, context_value=context()
    )
    assert result.errors is None
    return count_queries.count


@pytest.mark.usefixtures("fifty_events")
async def test_a_page_of_events_with_relations_costs_the_same_for_5_and_50(
    schema: strawberry.Schema, anonymous: ContextFactory, count_queries: QueryCounter
) -> None:
    for_5 = await _count_queries(schema, anonymous, count_queries, EVENTS_WITH_RELATIONS, 5)
    for_50 = await _count_queries(schema, anonymous, count_queries, EVENTS_WITH_RELATIONS, 50)

    # the page with its count, sessions, committees, participations, people, affiliations,
    # organisations (of affiliations and partners together), topics, recordings, partners
    assert for_5 == for_50 == 10


@pytest.mark.usefixtures("fifty_events")
async def test_nested_event_lists_cost_the_same_for_5_and_50_parents(
    schema: strawberry.Schema, anonymous: ContextFactory, count_queries: QueryCounter
) -> None:
    for_5 = await _count_queries(schema, anonymous, count_queries, PEOPLE_WITH_EVENTS, 5)
    for_50 = await _count_queries(schema, anonymous, count_queries, PEOPLE_WITH_EVENTS, 50)

    assert for_5 == for_50
