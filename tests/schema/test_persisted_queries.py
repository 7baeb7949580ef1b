"""Automatic Persisted Queries: unknown hash, registration with the document, then the hash alone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from strawberry.http import GraphQLRequestData

from cms.app import create_app
from schema.http import GRAPHQL_RESPONSE_JSON
from schema.persisted_queries import PersistedQueries, sha256_hex
from server.database import Database
from server.settings import Settings
from tests.asgi import running
from tests.factories import make_event

EVENT_TITLES = "query EventTitles { events(first: 5) { nodes { title } } }"
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def _extensions(document: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}}


@pytest.fixture
async def client(db: Database, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(app_settings, db)) as client:
        yield client


async def test_a_document_is_sent_once_then_named_by_its_hash(
    db: Database, client: httpx.AsyncClient
) -> None:
    await make_event(title="Impunity")
    by_hash = {"extensions": _extensions(EVENT_TITLES)}

    unknown = await client.post("/graphql", json=by_hash)
    unknown_new_type = await client.post(
        "/graphql", json=by_hash, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    registered = await client.post("/graphql", json={"query": EVENT_TITLES, **by_hash})
    posted = await client.post("/graphql", json=by_hash)
    # A GET with the hash alone is what a CDN can cache; GraphiQL must not answer it.
    got = await client.get(
        "/graphql",
        params={"extensions": json.dumps(by_hash["extensions"])},
        headers={"accept": "*/*"},
    )

    assert (unknown.status_code, unknown.json()) == (200, NOT_FOUND)
    assert unknown.headers["cache-control"] == "no-store"
    assert (unknown_new_type.status_code, unknown_new_type.json()) == (400, NOT_FOUND)
    expected = {"data": {"events": {"nodes": [{"title": "Impunity"}]}}}
    assert registered.json() == posted.json() == got.json() == expected


async def test_a_hash_that_does_not_match_its_document_is_refused(
    client: httpx.AsyncClient,
) -> None:
    wrong = {"query": "{ __typename }", "extensions": _extensions(EVENT_TITLES)}

    refused = await client.post("/graphql", json=wrong)
    later = await client.post("/graphql", json={"extensions": _extensions(EVENT_TITLES)})

    assert refused.json()["errors"][0]["message"] == (
        "persistedQuery.sha256Hash does not match the query."
    )
    assert later.json() == NOT_FOUND


async def test_an_invalid_document_is_not_remembered(client: httpx.AsyncClient) -> None:
    invalid = "{ nothing }"

    first = await client.post(
        "/graphql", json={"query": invalid, "extensions": _extensions(invalid)}
    )
    later = await client.post("/graphql", json={"extensions": _extensions(invalid)})

    assert "Cannot query field 'nothing'" in first.json()["errors"][0]["message"]
    assert later.json() == NOT_FOUND


async def test_a_document_of_several_operations_needs_a_name_by_hash_too(
    db: Database, client: httpx.AsyncClient
) -> None:
    await make_event(title="Impunity")
    document = f"query Ping {{ __typename }} {EVENT_TITLES}"
    by_hash = {"extensions": _extensions(document)}

    unnamed = await client.post("/graphql", json={"query": document, **by_hash})
    still_unknown = await client.post("/graphql", json=by_hash)
    registered = await client.post(
        "/graphql", json={"query": document, "operationName": "Ping", **by_hash}
    )
    named = await client.post("/graphql", json={"operationName": "EventTitles", **by_hash})
    again_unnamed = await client.post(
        "/graphql", json=by_hash, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )

    several = "Must provide operation name if query contains multiple operations."
    assert unnamed.json() == {"errors": [{"message": several}]}
    assert still_unknown.json() == NOT_FOUND  # a refused document is not remembered
    assert registered.json() == {"data": {"__typename": "Query"}}
    assert named.json() == {"data": {"events": {"nodes": [{"title": "Impunity"}]}}}
    assert again_unnamed.status_code == 400
    assert again_unnamed.json() == {"errors": [{"message": several}]}


@pytest.mark.parametrize(
    "extension",
    [{"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "abc"}, "yes"],
)
async def test_a_malformed_extension_is_a_clean_error(
    client: httpx.AsyncClient, extension: object
) -> None:
    response = await client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": extension}},
        headers={"accept": GRAPHQL_RESPONSE_JSON},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


async def test_without_persisted_queries_a_hash_alone_is_not_supported(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"persisted_queries": False})
    async with running(create_app(settings, db)) as client:
        alone = await client.post("/graphql", json={"extensions": _extensions(EVENT_TITLES)})
        with_query = await client.post(
            "/graphql", json={"query": EVENT_TITLES, "extensions": _extensions(EVENT_TITLES)}
        )

    assert alone.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_SUPPORTED"}
    assert with_query.json() == {"data": {"events": {"nodes": []}}}


def test_the_store_keeps_the_most_recently_used_documents() -> None:
    store = PersistedQueries(max_documents=2)
    for document in ("{ a }", "{ b }", "{ c }"):
        store.remember(sha256_hex(document), document)

    def lookup(document: str) -> str | None:
        request = GraphQLRequestData(
            query=None, variables=None, operation_name=None, extensions=_extensions(document)
        )
        try:
            return store.resolve(request)[0].query
        except Exception:  # noqa: BLE001 - PersistedQueryNotFound
            return None

    assert [lookup(d) for d in ("{ a }", "{ b }", "{ c }")] == [None, "{ b }", "{ c }"]
