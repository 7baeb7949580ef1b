"""Lists are Relay connections paged in SQL, with a capped page size."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import strawberry

from server.database import Database
from tests.factories import make_committee, make_event, make_organisation, make_person, make_topic
from tests.schema.conftest import ContextFactory

EVENTS_PAGE = """
query EventsPage($first: Int, $after: String, $last: Int, $before: String) {
  events(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { slug } }
    nodes { slug }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

DIRECTORY_PAGES = """
query DirectoryPages($first: Int, $after: String) {
  people(first: $first, after: $after) {
    totalCount nodes { slug } pageInfo { hasNextPage endCursor }
  }
  committees(first: $first, after: $after) { totalCount nodes { slug } pageInfo { hasNextPage } }
  topics(first: $first, after: $after) { totalCount nodes { slug } pageInfo { hasNextPage } }
  organisations(first: $first, after: $after) { totalCount nodes { slug } pageInfo { hasNextPage } }
}
"""


async def _five_events() -> list[str]:
    """Slugs e1..e5 on consecutive days, returned newest first (the default order)."""
    for day in range(1, 6):
        await make_event(slug=f"e{day}", dates=[date(2021, 1, 1) + timedelta(days=day)])
    return ["e5", "e4", "e3", "e2", "e1"]


async def _page(schema: strawberry.Schema, context: ContextFactory, **arguments: object) -> dict:
    result = await schema.execute(EVENTS_PAGE, variable_values=arguments, context_value=context())
    assert result.errors is None
    return result.data["events"]


async def test_paging_forwards_walks_the_whole_list_once(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    expected = await _five_events()

    first = await _page(schema, anonymous, first=2)
    second = await _page(schema, anonymous, first=2, after=first["pageInfo"]["endCursor"])
    third = await _page(schema, anonymous, first=2, after=second["pageInfo"]["endCursor"])

    assert [n["slug"] for page in (first, second, third) for n in page["nodes"]] == expected
    assert first["edges"][0]["node"] == first["nodes"][0]
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    assert [p["totalCount"] for p in (first, second, third)] == [5, 5, 5]
    assert [
        (p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"])
        for p in (first, second, third)
    ] == [
        (False, True),
        (True, True),
        (True, False),
    ]


async def test_paging_backwards_walks_the_whole_list_once(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    expected = await _five_events()

    last = await _page(schema, anonymous, last=2)
    middle = await _page(schema, anonymous, last=2, before=last["pageInfo"]["startCursor"])
    start = await _page(schema, anonymous, last=2, before=middle["pageInfo"]["startCursor"])

    assert [n["slug"] for page in (start, middle, last) for n in page["nodes"]] == expected
    assert [p["totalCount"] for p in (start, middle, last)] == [5, 5, 5]
    assert [
        (p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"])
        for p in (start, middle, last)
    ] == [
        (False, True),
        (True, True),
        (True, False),
    ]


async def test_after_and_before_together_give_the_rows_between(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await _five_events()
    everything = await _page(schema, anonymous, first=5)
    cursors = [edge["cursor"] for edge in everything["edges"]]

    between = await _page(schema, anonymous, after=cursors[0], before=cursors[4], first=10)

    assert [n["slug"] for n in between["nodes"]] == ["e4", "e3", "e2"]
    assert between["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,
        "startCursor": cursors[1],
        "endCursor": cursors[3],
    }


async def test_without_first_or_last_a_page_has_the_default_size(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory, settings
) -> None:
    for day in range(settings.default_page_size + 1):
        await make_event(slug=f"e{day}", dates=[date(2021, 1, 1) + timedelta(days=day)])

    page = await _page(schema, anonymous)

    assert len(page["nodes"]) == settings.default_page_size
    assert page["totalCount"] == settings.default_page_size + 1
    assert page["pageInfo"]["hasNextPage"] is True


async def test_an_empty_list_has_an_empty_page(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    page = await _page(schema, anonymous, first=3)

    assert page == {
        "totalCount": 0,
        "edges": [],
        "nodes": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_first_zero_counts_without_reading_rows(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await _five_events()

    page = await _page(schema, anonymous, first=0)

    assert page["totalCount"] == 5
    assert page["nodes"] == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"first": 101}, "`first` must be between 0 and 100, got 101."),
        ({"first": -1}, "`first` must be between 0 and 100, got -1."),
        ({"last": 101}, "`last` must be between 0 and 100, got 101."),
        ({"last": -5}, "`last` must be between 0 and 100, got -5."),
        ({"first": 2, "after": "not-a-cursor"}, "Invalid cursor: 'not-a-cursor'."),
    ],
)
async def test_bad_page_arguments_are_refused_with_a_clear_error(
    db: Database,
    schema: strawberry.Schema,
    anonymous: ContextFactory,
    arguments: dict,
    message: str,
) -> None:
    result = await schema.execute(EVENTS_PAGE, variable_values=arguments, context_value=anonymous())

    assert result.data is None
    assert result.errors is not None
    assert [error.message for error in result.errors] == [message]


async def test_nested_lists_are_capped_too(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await make_committee(slug="hrd")

    result = await schema.execute(
        '{ committee(slug: "hrd") { events(first: 101) { slug } } }', context_value=anonymous()
    )

    assert result.errors is not None
    assert [error.message for error in result.errors] == [
        "`first` must be between 0 and 100, got 101."
    ]


async def test_people_committees_topics_and_organisations_are_connections_by_name(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    for name in ["Cem", "Ayse", "Bora"]:
        await make_person(slug=name.lower(), name=name)
        await make_committee(slug=f"committee-{name.lower()}", name=name)
        await make_topic(slug=f"topic-{name.lower()}", name=name)
        await make_organisation(slug=f"organisation-{name.lower()}", name=name)

    first = await schema.execute(
        DIRECTORY_PAGES, variable_values={"first": 2}, context_value=anonymous()
    )
    assert first.errors is None
    rest = await schema.execute(
        DIRECTORY_PAGES,
        variable_values={"first": 2, "after": first.data["people"]["pageInfo"]["endCursor"]},
        context_value=anonymous(),
    )
    assert rest.errors is None

    assert first.data["people"]["nodes"] == [{"slug": "ayse"}, {"slug": "bora"}]
    assert rest.data["people"]["nodes"] == [{"slug": "cem"}]
    for field, prefix in [
        ("committees", "committee-"),
        ("topics", "topic-"),
        ("organisations", "organisation-"),
    ]:
        assert first.data[field]["totalCount"] == 3
        assert first.data[field]["nodes"] == [{"slug": f"{prefix}ayse"}, {"slug": f"{prefix}bora"}]
        assert first.data[field]["pageInfo"]["hasNextPage"] is True
        assert rest.data[field]["nodes"] == [{"slug": f"{prefix}cem"}]
        assert rest.data[field]["pageInfo"]["hasNextPage"] is False
