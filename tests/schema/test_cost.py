"""The cost rule prices documents as documented, and every list in the schema has a price."""

from __future__ import annotations

import pytest
import strawberry
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
)

from schema.api import build_schema
from schema.limits.cost import PAGE_ARGUMENTS, UNPAGED_LIST_SIZES
from server.settings import Settings


@pytest.fixture(scope="module")
def pricing_schema() -> strawberry.Schema:
    """A schema whose budget is 1, so that every document is refused with its cost."""
    return build_schema(
        Settings(_env_file=None, graphql_max_cost=1, default_page_size=20, max_page_size=100)
    )


def _cost(schema: strawberry.Schema, document: str) -> int:
    result = schema.execute_sync(document)
    assert result.errors, f"{document} cost at most 1"
    [error] = result.errors
    assert error.extensions is not None, error.message
    return int(error.extensions["cost"])


@pytest.mark.parametrize(
    ("document", "cost"),
    [
        # Each field is 1; __typename is free.
        ('{ event(slug: "e") { title slug __typename } }', 3),
        # A connection's page multiplies its edges and nodes, not its totals.
        ("{ events(first: 7) { totalCount nodes { title } edges { cursor } } }", 18),
        ("{ events(last: 7) { pageInfo { hasNextPage } nodes { title } } }", 11),
        # No page size: the default page size.
        ("{ events { nodes { title } } }", 22),
        ("{ events(first: null) { nodes { title } } }", 22),
        # A variable: its default, else the maximum page size.
        ("query($n: Int = 3) { events(first: $n) { nodes { title } } }", 5),
        ("query($n: Int) { events(first: $n) { nodes { title } } }", 102),
        # A page size over the maximum is an error anyway; it costs a full page.
        ("{ events(first: 5000) { nodes { title } } }", 102),
        # A paged nested list, and a short unpaged one.
        ('{ person(slug: "p") { events(first: 4) { title } } }', 6),
        ('{ event(slug: "e") { participants { role person { name } } } }', 1 + 1 + 5 * 3),
        # Search: `first` is the length of `hits` (default 20); facets are at most 6.
        ('{ search(query: "x", first: 10) { hits { ... on EventHit { score } } } }', 12),
        ('{ search(query: "x") { totalHits facets { facet } } }', 1 + 1 + 1 + 6),
        # Aliases are priced one by one.
        ("{ a: events(first: 2) { nodes { title } } b: events(first: 2) { nodes { title } } }", 8),
    ],
)
def test_documents_cost_what_they_can_resolve(
    pricing_schema: strawberry.Schema, document: str, cost: int
) -> None:
    assert _cost(pricing_schema, document) == cost


def test_fragments_cost_the_same_as_the_fields_they_stand_for(
    pricing_schema: strawberry.Schema,
) -> None:
    inline = "{ events(first: 3) { nodes { title topics { name } } } }"
    spread = (
        "{ events(first: 3) { ...Page } }"
        " fragment Page on EventConnection { nodes { ...Card } }"
        " fragment Card on Event { title topics { name } }"
    )
    typed = "{ events(first: 3) { nodes { ... on Event { title topics { name } } } } }"

    assert (
        _cost(pricing_schema, inline)
        == _cost(pricing_schema, spread)
        == _cost(pricing_schema, typed)
        == 1 + 1 + 3 * (1 + 1 + 5)
    )


def _list_type(type_: GraphQLOutputType) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def test_every_list_in_the_schema_is_paged_or_has_a_price(
    pricing_schema: strawberry.Schema,
) -> None:
    types = {
        name: type_
        for name, type_ in pricing_schema._schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
    }
    # Types returned by a paged field that is not a list: connections, search results.
    paged_containers = {
        get_named_type(field.type).name
        for type_ in types.values()
        for field in type_.fields.values()
        if any(name in field.args for name in PAGE_ARGUMENTS) and not _list_type(field.type)
    }
    unpriced = [
        f"{type_name}.{field_name}"
        for type_name, type_ in types.items()
        for field_name, field in type_.fields.items()
        if _list_type(field.type)
        and not any(name in field.args for name in PAGE_ARGUMENTS)
        and type_name not in paged_containers
        and f"{type_name}.{field_name}" not in UNPAGED_LIST_SIZES
    ]
    stale = [
        key
        for key in UNPAGED_LIST_SIZES
        if key.split(".")[1] not in getattr(types.get(key.split(".")[0]), "fields", {})
    ]

    # A new list needs `first`, or an entry in UNPAGED_LIST_SIZES (schema/limits/cost.py).
    assert unpriced == []
    assert stale == []
