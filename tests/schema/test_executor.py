"""The executor's short ways answer exactly as Strawberry's own executor does, errors included."""

from __future__ import annotations

import gc
from datetime import date, timedelta

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.api import Mutation, Query
from schema.context import Context
from schema.errors import ERROR_HANDLERS
from schema.executor import Executor, lean_resolvers
from server.auth.viewer import ANONYMOUS, Viewer
from server.content.models import EventStatus, ParticipantRole
from server.database import Database
from server.settings import Settings
from tests.factories import make_committee, make_event, make_person, make_topic
from tests.schema.conftest import EDITOR, ContextFactory

EVERYTHING_ON_A_PAGE = """
query Page($first: Int!, $after: String) {
  events(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id slug title summary body bodyHtml outcomes outcomesHtml status place format
        platform publishedAt version dates
        image { src alt credit creditUrl }
        committee { id slug name description }
        participants { role affiliation session person { id slug name bio links { url } } }
        topics { id slug name }
        recordings { title platform url }
        organisations { role organisation { name url } }
      }
    }
  }
}
"""


RELATIONS_IN_DEPTH = """
query Deep($first: Int!, $after: String) {
  events(first: $first, after: $after) {
    nodes {
      slug
      committee { name members { role person { name } } events(first: 2) { slug } }
      participants { role person { name affiliations { title organisation { name } } } }
      topics { name events(first: 2) { slug dates } }
    }
  }
}
"""


@pytest.fixture
async def events(db: Database) -> None:
    committee = await make_committee()
    topics = [await make_topic() for _ in range(3)]
    for i in range(12):
        await make_event(
            dates=[date(2022, 1, 1) + timedelta(days=i), date(2022, 2, 1) + timedelta(days=i)],
            committee=committee if i % 3 else None,
            participants=[
                (await make_person(), ParticipantRole.SPEAKER),
                (await make_person(), ParticipantRole.HOST),
            ],
            topics=topics[: i % 4],
            recordings=[f"Recording {i}"] if i % 2 else [],
            status=EventStatus.DRAFT if i == 5 else EventStatus.PUBLISHED,
        )


def _strawberry_schema() -> strawberry.Schema:
    """The same schema on Strawberry's own executor and resolvers."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        exception_handlers=ERROR_HANDLERS,
        execution_context_class=StrawberryGraphQLCoreExecutionContext,
    )


@pytest.mark.usefixtures("events")
@pytest.mark.parametrize("viewer", [ANONYMOUS, EDITOR], ids=["anonymous", "editor"])
@pytest.mark.parametrize("document", [EVERYTHING_ON_A_PAGE, RELATIONS_IN_DEPTH])
async def test_a_page_answers_the_same_as_on_strawberrys_own_executor(
    schema: strawberry.Schema, settings: Settings, viewer: Viewer, document: str
) -> None:
    def context() -> Context:
        return Context.for_request(viewer, settings)

    first_five = await schema.execute(
        "{ events(first: 5) { pageInfo { endCursor } } }", context_value=context()
    )
    assert first_five.data is not None
    after = first_five.data["events"]["pageInfo"]["endCursor"]

    answers = []
    for each in (schema, _strawberry_schema()):
        for variables in ({"first": 5}, {"first": 5, "after": after}):
            result = await each.execute(document, variables, context_value=context())
            assert result.errors is None, result.errors
            assert result.data is not None
            answers.append(result.data)

    assert answers[:2] == answers[2:]
    assert answers[0] != answers[1]
    assert answers[0]["events"]


@strawberry.type
class Thing:
    name: str
    note: str | None


@strawberry.type
class Things:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [
            Thing(name="kept", note=None),
            Thing(name=None, note="a name that is null"),  # type: ignore[arg-type]
            Thing(name=3, note="a name that is not a string"),  # type: ignore[arg-type]
        ]


async def test_a_plain_leaf_that_breaks_its_type_is_reported_as_strawberry_reports_it() -> None:
    answers = []
    for executor in (Executor, StrawberryGraphQLCoreExecutionContext):
        schema = strawberry.Schema(query=Things, execution_context_class=executor)
        if executor is Executor:
            lean_resolvers(schema._schema, schema.config.info_class)
        result = await schema.execute("{ things { name note } }")
        answers.append(
            (result.data, [(error.message, error.path) for error in result.errors or []])
        )

    assert answers[0] == answers[1]
    data, errors = answers[0]
    assert data == {
        "things": [
            {"name": "kept", "note": None},
            None,
            {"name": "3", "note": "a name that is not a string"},
        ]
    }
    assert errors == [
        ("Cannot return null for non-nullable field Thing.name.", ["things", 1, "name"])
    ]


@pytest.mark.usefixtures("events")
async def test_a_request_leaves_no_cyclic_garbage(
    schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    # Whatever a request allocates is freed when it ends, not by the cyclic collector.
    await schema.execute(EVERYTHING_ON_A_PAGE, {"first": 5}, context_value=anonymous())
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = await schema.execute(EVERYTHING_ON_A_PAGE, {"first": 5}, context_value=anonymous())
        assert result.errors is None
        del result
        gc.collect()
        left = [type(each).__qualname__ for each in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
