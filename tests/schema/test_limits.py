"""Hostile documents get a clean GraphQL error before any resolver runs, and quickly."""

from __future__ import annotations

import pytest
import strawberry
from strawberry.relay import to_base64

from schema.api import build_schema
from server.database import Database
from server.settings import Settings
from tests.factories import make_person
from tests.schema.conftest import ContextFactory

NESTED_LISTS = """
{ events(first: 100) { nodes { topics { events(first: 100) { topics {
    events(first: 100) { title } } } } } } }
"""

NESTED_LISTS_IN_FRAGMENTS = """
{ events(first: 100) { ...Topics } }
fragment Topics on EventConnection { nodes { topics { ...Events } } }
fragment Events on Topic { events(first: 100) { topics { events(first: 100) { title } } } }
"""

EVENT_CARDS = """
query EventCards($after: String) {
  events(first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id slug title summary dates place committee { slug name }
      participants { role affiliation person { slug name } } topics { slug name } } }
  }
}
"""


def _fragment_bomb(levels: int, fan_out: int) -> str:
    """Each fragment spreads the next `fan_out` times: expanded, it is fan_out**levels fields."""
    fragments = [
        f"fragment F{i} on Query {{ {f' ...F{i + 1}' * fan_out} }}" for i in range(1, levels)
    ]
    fragments.append(f"fragment F{levels} on Query {{ events(first: 100) {{ totalCount }} }}")
    return "{ ...F1 }\n" + "\n".join(fragments)


async def _errors(
    schema: strawberry.Schema,
    context: ContextFactory,
    document: str,
    variables: dict[str, object] | None = None,
) -> list[dict[str, object]]:
    result = await schema.execute(document, variable_values=variables, context_value=context())
    assert result.errors, "the document should have been refused"
    return [dict(error.formatted) for error in result.errors]


async def test_nested_lists_within_the_depth_limit_are_refused_by_cost(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    # Depth 7, well within the depth limit: the case a depth limit alone lets through.
    for document in (NESTED_LISTS, NESTED_LISTS_IN_FRAGMENTS):
        [error] = await _errors(schema, anonymous, document)

        assert error["extensions"] == {
            "code": "QUERY_TOO_COSTLY",
            "cost": 25_300_602,
            "maxCost": 20_000,
        }
        assert str(error["message"]).startswith("Operation costs 25300602, over the limit of 20000")


async def test_a_variable_page_size_counts_as_its_default_or_the_maximum(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    nested = "events(first: $n) { nodes { topics { events(first: $n) { topics { name } } } } }"
    capped = await schema.execute(
        "query($n: Int) { " + nested + " }", variable_values={"n": 1}, context_value=anonymous()
    )
    with_default = await schema.execute(
        "query($n: Int = 10) { " + nested + " }", context_value=anonymous()
    )

    # Validation cannot see variables: without a default, $n counts as 100.
    assert capped.errors and capped.errors[0].extensions["cost"] == 300_602  # type: ignore[index]  # set by our rule
    assert with_default.errors is None


async def test_a_fragment_bomb_is_refused_before_anything_expands_it(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    # 6**11 fields once expanded: Strawberry's own depth and alias limiters
    # would walk every one of them (minutes); the size is computed per fragment.
    [error] = await _errors(schema, anonymous, _fragment_bomb(levels=12, fan_out=6))

    assert error["extensions"] == {"code": "DOCUMENT_TOO_LARGE"}
    assert error["message"] == (
        f"The document has {6**11 * 2} fields once its fragments are expanded; "
        "at most 5000 are allowed."
    )


async def test_fragment_cycles_are_refused(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    document = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"

    errors = await _errors(schema, anonymous, document)

    assert errors[0]["message"] == "Cannot spread fragment 'A' within itself via 'B'."


async def test_a_page_the_site_renders_is_within_every_limit(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    result = await schema.execute(EVENT_CARDS, context_value=anonymous())

    assert result.errors is None


async def test_too_many_aliases_are_refused(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    aliases = " ".join(f"a{i}: events(first: 1) {{ totalCount }}" for i in range(31))

    [error] = await _errors(schema, anonymous, "{ " + aliases + " }")

    assert error["message"] == "31 aliases found. Allowed: 30"


async def test_too_many_tokens_are_refused_before_parsing_ends(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    document = "{ people { nodes { " + "name bio " * 500 + "} } }"

    [error] = await _errors(schema, anonymous, document)

    assert (
        error["message"]
        == "Syntax Error: Document contains more than 1000 tokens. Parsing aborted."
    )


@pytest.mark.parametrize(
    "field", ["__typename", "events { totalCount }", "...on Query { __typename }"]
)
async def test_a_field_repeated_hundreds_of_times_is_refused(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory, field: str
) -> None:
    # The spec's overlap check compares every pair of them: 200 copies of
    # `events { totalCount }` took it 0.4 s before this limit.
    [error] = await _errors(schema, anonymous, "{ " + f" {field}" * 150 + " }")

    assert error["extensions"] == {"code": "FIELD_REPEATED"}
    assert "at most 5 are allowed" in str(error["message"])


async def test_directive_overloading_is_refused(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    document = "{ __typename" + " @include(if: true)" * 51 + " }"

    [error] = await _errors(schema, anonymous, document)

    assert error["message"] == "The document has more than 50 directives."


async def test_introspection_cannot_nest_lists_without_end(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    document = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"

    errors = await _errors(schema, anonymous, document)

    assert errors[0]["message"] == "Maximum introspection depth exceeded"


@pytest.mark.parametrize(
    "document",
    [
        "{ events(first: 101) { totalCount } }",
        "{ events(last: 100000) { totalCount } }",
        '{ person(slug: "p") { events(first: 1000) { title } } }',
        '{ person(slug: "p") { participations(first: -1) { role } } }',
    ],
)
async def test_page_sizes_over_the_cap_are_errors(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory, document: str
) -> None:
    await make_person(slug="p")

    [error] = await _errors(schema, anonymous, document)

    assert "must be between 0 and 100" in str(error["message"])


SUGGESTIONS = [
    ("{ evnts { totalCount } }", None, "Cannot query field 'evnts' on type 'Query'."),
    (
        "{ events(frist: 1) { totalCount } }",
        None,
        "Unknown argument 'frist' on field 'Query.events'.",
    ),
    (
        "query($order: EventOrder) { events(orderBy: $order) { totalCount } }",
        {"order": {"field": "DATEE"}},
        (
            "Variable '$order' has invalid value at .field: "
            "Value 'DATEE' does not exist in 'EventOrderField' enum."
        ),
    ),
]


@pytest.mark.parametrize(("document", "variables", "message"), SUGGESTIONS)
async def test_no_suggestions_while_introspection_is_off(
    db: Database,
    anonymous: ContextFactory,
    settings: Settings,
    document: str,
    variables: dict[str, object] | None,
    message: str,
) -> None:
    closed = build_schema(settings.model_copy(update={"introspection": False}))
    open_ = build_schema(settings.model_copy(update={"introspection": True}))

    [hidden] = await _errors(closed, anonymous, document, variables)
    [shown] = await _errors(open_, anonymous, document, variables)

    assert hidden["message"] == message
    assert str(shown["message"]).startswith(message + " Did you mean")


async def test_introspection_follows_the_settings(
    db: Database, anonymous: ContextFactory, settings: Settings
) -> None:
    document = "{ __schema { queryType { name } } }"
    closed = build_schema(settings.model_copy(update={"introspection": False}))
    open_ = build_schema(settings.model_copy(update={"introspection": True}))

    refused = await _errors(closed, anonymous, document)
    answered = await open_.execute(document, context_value=anonymous())

    assert "introspection has been disabled" in str(refused[0]["message"])
    assert answered.errors is None


@pytest.mark.parametrize(
    ("document", "variables", "where"),
    [
        (
            '{ organisation(slug: "a\\u0000b") { slug } }',
            None,
            'argument "slug" of field "organisation"',
        ),
        (
            '{ events(filter: {topic: "\\u0000"}) { totalCount } }',
            None,
            'argument "filter.topic" of field "events"',
        ),
        (
            'query($slug: String = "\\u0000") { organisation(slug: $slug) { slug } }',
            None,
            'the default value of variable "$slug"',
        ),
        (
            "query($slug: String!) { organisation(slug: $slug) { slug } }",
            {"slug": "a\x00b"},
            'variable "$slug"',
        ),
        (
            "query($filter: EventFilter) { events(filter: $filter) { totalCount } }",
            {"filter": {"topic": "\x00"}},
            'variable "$filter.topic"',
        ),
    ],
    ids=["literal", "nested-literal", "default-value", "variable", "nested-variable"],
)
async def test_nul_characters_in_string_input_are_refused_before_execution(
    db: Database,
    schema: strawberry.Schema,
    anonymous: ContextFactory,
    document: str,
    variables: dict[str, object] | None,
    where: str,
) -> None:
    # PostgreSQL fails any query holding U+0000 ("invalid byte sequence"), an internal error.
    [error] = await _errors(schema, anonymous, document, variables)

    assert error["message"] == (
        f"String input may not contain NUL characters (U+0000): {where} holds one."
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize("code_point", [0xD800, 0xDBFF, 0xDC00, 0xDFFF], ids=hex)
async def test_lone_surrogates_in_variables_are_refused_before_execution(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory, code_point: int
) -> None:
    # Python decodes JSON's "\ud800" to a string that asyncpg and sqlite3 cannot encode.
    document = "query($filter: EventFilter) { events(filter: $filter) { totalCount } }"

    variables = {"filter": {"person": f"x{chr(code_point)}"}}

    [error] = await _errors(schema, anonymous, document, variables)

    assert error == {
        "message": "String input may not contain lone UTF-16 surrogates "
        f'(U+{code_point:04X}): variable "$filter.person" holds one.',
        "extensions": {"code": "BAD_USER_INPUT"},
    }


async def test_a_nul_literal_is_refused_every_time_the_same_document_is_sent(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    # The parsed document is cached, and so is whether it holds a NUL: both requests see it.
    document = '{ organisation(slug: "x\\u0000y") { slug } }'
    clean = '{ organisation(slug: "xy") { slug } }'

    first = await _errors(schema, anonymous, document)
    assert (await schema.execute(clean, context_value=anonymous())).errors is None
    second = await _errors(schema, anonymous, document)

    assert first == second
    assert [error["extensions"] for error in second] == [{"code": "BAD_USER_INPUT"}]


@pytest.mark.parametrize("digits", ["9" * 30, "1" * 5000], ids=["over-32-bits", "5000-digits"])
async def test_an_id_too_large_for_any_row_finds_nothing(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory, digits: str
) -> None:
    # PostgreSQL refuses an argument beyond 32 bits; Python, a number beyond 4,300 digits.
    document = '{ node(id: "' + to_base64("Event", digits) + '") { id } }'

    result = await schema.execute(document, context_value=anonymous())

    assert result.errors is None
    assert result.data == {"node": None}


async def test_a_slug_longer_than_any_column_is_the_clients_error(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    [error] = await _errors(schema, anonymous, '{ event(slug: "' + "x" * 500 + '") { id } }')

    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
