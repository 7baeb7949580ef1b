"""The endpoint speaks GraphQL over HTTP: media types, status codes, and no 500 for any body."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from cms.app import create_app
from schema.http import GRAPHQL_RESPONSE_JSON, GraphQLOverHTTP, negotiate
from schema.limits.operation_name import RequireOperationName
from server.database import Database
from server.settings import Settings
from tests.asgi import running
from tests.factories import make_person

JSON = "application/json"
GR_JSON = {"accept": GRAPHQL_RESPONSE_JSON}
TWO_OPERATIONS = "query Names { __typename } query Count { events { totalCount } }"
SEVERAL_OPERATIONS = "Must provide operation name if query contains multiple operations."

NEVER_EXECUTED = {
    "parse": {"query": "{ events { totalCount }"},
    "validation": {"query": "{ nothing }"},
    "coercion": {
        "query": "query($n: Int!) { events(first: $n) { totalCount } }",
        "variables": {"n": "many"},
    },
    "cost": {
        "query": "{ events(first: 100) { nodes { topics { events(first: 100) { title } } } } }"
    },
    "several-operations": {"query": TWO_OPERATIONS},
    "unknown-operation": {"query": TWO_OPERATIONS, "operationName": "Nothing"},
    "depth": {
        "query": "{ events { nodes { topics { events { topics { events { topics { events {"
        " topics { events { topics { name } } } } } } } } } } } }"
    },
}


@pytest.fixture
async def client(db: Database, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(app_settings, db)) as client:
        yield client


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("text/html", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, application/json", JSON),
    ],
)
def test_the_media_type_is_the_preferred_one_the_client_accepts(
    accept: str | None, media_type: str
) -> None:
    assert negotiate(accept) == media_type


async def test_responses_use_the_media_type_the_client_asked_for(
    client: httpx.AsyncClient,
) -> None:
    query = {"query": "{ events(first: 1) { totalCount } }"}

    new = await client.post("/graphql", json=query, headers=GR_JSON)
    legacy = await client.post("/graphql", json=query, headers={"accept": JSON})

    assert (new.status_code, new.headers["content-type"]) == (200, GRAPHQL_RESPONSE_JSON)
    assert (legacy.status_code, legacy.headers["content-type"]) == (200, JSON)
    assert new.json() == legacy.json() == {"data": {"events": {"totalCount": 0}}}


@pytest.mark.parametrize("failure", NEVER_EXECUTED)
async def test_a_request_that_never_executes_has_no_data_and_is_400_for_the_new_media_type(
    client: httpx.AsyncClient, failure: str
) -> None:
    body = NEVER_EXECUTED[failure]

    new = await client.post("/graphql", json=body, headers=GR_JSON)
    legacy = await client.post("/graphql", json=body, headers={"accept": JSON})

    assert new.status_code == 400
    assert legacy.status_code == 200  # the spec keeps 200 for application/json clients
    for response in (new, legacy):
        assert "data" not in response.json()
        assert response.json()["errors"]


@pytest.mark.parametrize(
    ("operation_name", "message"),
    [(None, SEVERAL_OPERATIONS), ("Nothing", 'Unknown operation named "Nothing".')],
    ids=["none", "unknown"],
)
async def test_an_operation_must_be_named_when_the_document_has_several(
    client: httpx.AsyncClient, operation_name: str | None, message: str
) -> None:
    # The spec's GetOperation: without a name (or with one that matches nothing) no
    # operation is chosen, so none runs, over POST or GET.
    params = {"query": TWO_OPERATIONS}
    if operation_name is not None:
        params["operationName"] = operation_name

    posted = await client.post("/graphql", json=params, headers=GR_JSON)
    got = await client.get("/graphql", params=params, headers=GR_JSON)
    legacy = await client.post("/graphql", json=params, headers={"accept": JSON})

    assert (posted.status_code, got.status_code, legacy.status_code) == (400, 400, 200)
    assert posted.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert posted.json() == got.json() == legacy.json() == {"errors": [{"message": message}]}


async def test_the_named_operation_of_several_runs_alone(client: httpx.AsyncClient) -> None:
    named = {"query": TWO_OPERATIONS, "operationName": "Count"}

    posted = await client.post("/graphql", json=named, headers=GR_JSON)
    got = await client.get("/graphql", params=named, headers=GR_JSON)

    assert posted.status_code == got.status_code == 200
    assert posted.json() == got.json() == {"data": {"events": {"totalCount": 0}}}


async def test_the_first_of_several_operations_does_not_run_unasked() -> None:
    calls: list[str] = []
    app = Starlette(
        routes=[Route("/graphql", GraphQLOverHTTP(_counting_schema(calls, extensions=True)))]
    )
    document = "mutation Touch { touch } query Ping { ping }"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        unnamed = await client.post("/graphql", json={"query": document})
        named = await client.post("/graphql", json={"query": document, "operationName": "Touch"})

    assert unnamed.json() == {"errors": [{"message": SEVERAL_OPERATIONS}]}
    assert named.json() == {"data": {"touch": 1}}
    assert calls == ["touched"]


async def test_a_field_error_keeps_the_data_and_200(
    db: Database, client: httpx.AsyncClient
) -> None:
    await make_person(slug="p")
    body = {"query": '{ person(slug: "p") { name events(first: 1000) { title } } }'}

    response = await client.post("/graphql", json=body, headers=GR_JSON)

    assert response.status_code == 200
    assert response.json()["data"] == {"person": None}
    assert response.json()["errors"][0]["path"] == ["person", "events"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ __typename }"',  # cut short
        b"\xff\xfe\x00{}",  # not UTF-8
        b'{"query": "{ __typename }", "variables": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
        b'"{ __typename }"',
        b"42",
        b"null",
        b'{"query": 42}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "extensions": []}',
        b"",
    ],
    ids=[
        "truncated",
        "not-utf8",
        "deep",
        "string",
        "number",
        "null",
        "query-number",
        "variables-string",
        "extensions-list",
        "empty",
    ],
)
async def test_malformed_bodies_get_400_with_a_graphql_error(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": JSON, **GR_JSON}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert response.json()["errors"][0]["message"]


async def test_a_post_without_a_json_content_type_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers={"content-type": "text/plain"}
    )

    assert response.status_code == 400


async def test_batches_are_refused(client: httpx.AsyncClient) -> None:
    batch = [{"query": "{ __typename }"}] * 2

    response = await client.post("/graphql", json=batch)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "Batching is not enabled"}]}


@strawberry.type
class _Query:
    ping: str = "pong"


def _counting_schema(calls: list[str], extensions: bool = False) -> strawberry.Schema:
    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self) -> int:
            calls.append("touched")
            return len(calls)

    return strawberry.Schema(
        query=_Query, mutation=Mutation, extensions=[RequireOperationName] if extensions else []
    )


async def test_a_mutation_over_get_is_refused_with_405_and_not_run() -> None:
    calls: list[str] = []
    app = Starlette(routes=[Route("/graphql", GraphQLOverHTTP(_counting_schema(calls)))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        got = await client.get("/graphql", params={"query": "mutation { touch }"})
        posted = await client.post("/graphql", json={"query": "mutation { touch }"})

    assert got.status_code == 405
    assert got.headers["allow"] == "POST"
    assert got.json() == {"errors": [{"message": "mutations are not allowed when using GET"}]}
    assert posted.json() == {"data": {"touch": 1}}
    assert calls == ["touched"]


async def test_the_app_refuses_its_own_mutations_over_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { __typename }"})

    assert response.status_code == 405


async def test_responses_carry_any_text_and_json_value_the_schema_returns() -> None:
    # Responses are encoded fast (orjson), and the standard way when that cannot: a JSON
    # value with an integer beyond 64 bits still reaches the client intact.
    @strawberry.type
    class Query:
        @strawberry.field
        def text(self) -> str:
            return "Çağlayan — «impunity» \u2028 ✓"

        @strawberry.field
        def value(self) -> strawberry.scalars.JSON:
            return {"big": 2**70, "list": [1.5, None, "é"]}

    app = Starlette(routes=[Route("/graphql", GraphQLOverHTTP(strawberry.Schema(query=Query)))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        text = await client.post("/graphql", json={"query": "{ text }"})
        value = await client.post("/graphql", json={"query": "{ value }"})

    assert text.json() == {"data": {"text": "Çağlayan — «impunity» \u2028 ✓"}}
    assert value.status_code == 200
    assert value.json() == {"data": {"value": {"big": 2**70, "list": [1.5, None, "é"]}}}
