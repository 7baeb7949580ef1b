"""The app's own defences: body size, CORS, per-environment switches, text no database can hold,
masked internal errors, and a log that refused documents cannot flood."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from tortoise import Tortoise

from cms.app import create_app
from schema.http import GRAPHQL_RESPONSE_JSON
from schema.persisted_queries import sha256_hex
from server.auth.viewer import Role
from server.content import queries
from server.content.models import Event
from server.database import Database
from server.settings import Environment, Settings
from tests.asgi import running
from tests.auth.conftest import bearer, make_token
from tests.factories import make_event, make_topic

SITE = "https://site.example"
ELSEWHERE = "https://elsewhere.example"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}
TYPENAME = {"query": "{ __typename }"}


async def test_a_body_over_the_limit_is_refused_before_it_is_parsed(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"max_body_bytes": 2048})
    padded = {"query": "{ __typename }", "variables": {"padding": "x" * 4096}}

    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the limit counts what arrives.
        for _ in range(8):
            yield b" " * 512

    async with running(create_app(settings, db)) as client:
        declared = await client.post("/graphql", json=padded)
        streamed = await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        small = await client.post("/graphql", json=TYPENAME)

    assert declared.status_code == streamed.status_code == 413
    assert "content-length" not in streamed.request.headers
    assert small.json() == {"data": {"__typename": "Query"}}


async def test_cors_is_closed_by_default(db: Database, app_settings: Settings) -> None:
    assert app_settings.cors_allowed_origins == []
    async with running(create_app(app_settings, db)) as client:
        preflight = await client.options("/graphql", headers={"origin": SITE, **PREFLIGHT})
        simple = await client.post("/graphql", json=TYPENAME, headers={"origin": SITE})

    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_lets_the_configured_origins_in_and_only_them(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"cors_allowed_origins": [SITE]})
    async with running(create_app(settings, db)) as client:
        allowed = await client.options("/graphql", headers={"origin": SITE, **PREFLIGHT})
        refused = await client.options("/graphql", headers={"origin": ELSEWHERE, **PREFLIGHT})
        simple = await client.post("/graphql", json=TYPENAME, headers={"origin": SITE})
        other = await client.post("/graphql", json=TYPENAME, headers={"origin": ELSEWHERE})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert simple.headers["access-control-allow-origin"] == SITE
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("https://a.org, https://b.org", ["https://a.org", "https://b.org"]),
        ('["https://a.org"]', ["https://a.org"]),
        ("", []),
    ],
)
def test_allowed_origins_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: list[str]
) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", value)

    assert Settings(_env_file=None).cors_allowed_origins == origins


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (Environment.DEVELOPMENT, (True, True, False)),
        (Environment.PRODUCTION, (False, False, True)),
    ],
)
def test_each_environment_has_its_defaults(
    environment: Environment, expected: tuple[bool, bool, bool]
) -> None:
    settings = Settings(_env_file=None, environment=environment)

    assert (settings.graphiql_enabled, settings.introspection_enabled, settings.errors_masked) == (
        expected
    )


async def test_production_serves_neither_graphiql_nor_introspection(
    db: Database, app_settings: Settings
) -> None:
    production = app_settings.model_copy(update={"environment": Environment.PRODUCTION})
    introspection = {"query": "{ __schema { queryType { name } } }"}
    async with running(create_app(production, db)) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        schema = await client.post("/graphql", json=introspection)
    async with running(create_app(app_settings, db)) as client:
        dev_page = await client.get("/graphql", headers={"accept": "text/html"})
        dev_schema = await client.post("/graphql", json=introspection)

    assert page.status_code == 404
    assert "introspection has been disabled" in schema.json()["errors"][0]["message"]
    assert dev_page.status_code == 200 and "graphiql" in dev_page.text.lower()
    assert dev_schema.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def _broken_list_events(*args: object, **kwargs: object) -> object:
    # A resolver's query failing in the database, as a dropped table or a bad migration would.
    connection = Tortoise.get_connection("default")
    return await connection.execute_query("SELECT secret_column FROM missing_table")


async def test_internal_errors_are_masked_in_production(
    db: Database, app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "list_events", _broken_list_events)
    production = app_settings.model_copy(update={"environment": Environment.PRODUCTION})
    document = {"query": "{ events { totalCount } }"}
    async with running(create_app(production, db)) as client:
        masked = await client.post("/graphql", json=document)
    async with running(create_app(app_settings, db)) as client:
        unmasked = await client.post("/graphql", json=document)

    assert masked.status_code == 200
    assert masked.json() == {
        "data": None,
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["events"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ],
    }
    for leak in ("secret_column", "missing_table", "SELECT", "Traceback", ".py"):
        assert leak not in masked.text
    # Development shows the cause, which is what masking hides.
    assert "missing_table" in unmasked.json()["errors"][0]["message"]
    assert unmasked.json()["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}


async def test_client_errors_keep_their_message_in_production_with_a_code(
    db: Database, app_settings: Settings
) -> None:
    production = app_settings.model_copy(update={"environment": Environment.PRODUCTION})
    async with running(create_app(production, db)) as client:
        page = await client.post(
            "/graphql", json={"query": '{ events(after: "x") { totalCount } }'}
        )
        node = await client.post("/graphql", json={"query": '{ node(id: "not-an-id") { id } }'})

    assert [error(page), error(node)] == [
        ("Invalid cursor: 'x'.", "BAD_USER_INPUT"),
        ('Value cannot represent a GlobalID: "not-an-id".', "BAD_USER_INPUT"),
    ]


def error(response: httpx.Response) -> tuple[str, str]:
    [first] = response.json()["errors"]
    return first["message"], first["extensions"]["code"]


SEARCH = "query Search($q: String!) { search(query: $q) { totalHits } }"
EVENT = "query Event($slug: String!) { event(slug: $slug) { title } }"
EVENTS_ON_TOPIC = "query Events($filter: EventFilter) { events(filter: $filter) { totalCount } }"
CREATE_EVENT = """
mutation CreateEvent($input: EventCreateInput!) {
  createEvent(input: $input) { __typename }
}
"""
LONE_SURROGATE = "\ud800"


def _refusal(where: str) -> dict[str, object]:
    return {
        "errors": [
            {
                "message": "String input may not contain lone UTF-16 surrogates (U+D800): "
                f"{where} holds one.",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }


async def _post_raw(
    client: httpx.AsyncClient, body: dict[str, object], **headers: str
) -> httpx.Response:
    # The standard encoder spells a lone surrogate "\ud800", as a browser's JSON.stringify
    # does; httpx's own would refuse to encode it.
    return await client.post(
        "/graphql",
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **headers},
    )


@pytest.mark.parametrize(
    ("document", "variables", "where"),
    [
        (SEARCH, {"q": f"climate {LONE_SURROGATE}"}, 'variable "$q"'),
        (EVENT, {"slug": LONE_SURROGATE}, 'variable "$slug"'),
        (EVENTS_ON_TOPIC, {"filter": {"topic": LONE_SURROGATE}}, 'variable "$filter.topic"'),
    ],
    ids=["search-query", "event-slug", "event-filter"],
)
async def test_a_lone_surrogate_in_a_variable_is_the_clients_error(
    db: Database, app_settings: Settings, document: str, variables: dict[str, object], where: str
) -> None:
    # JSON allows "\ud800"; no database can store or compare the string it decodes to.
    await make_event(slug="water-day", topics=[await make_topic(slug="water")])
    body = {"query": document, "variables": variables}
    async with running(create_app(app_settings, db)) as client:
        legacy = await _post_raw(client, body)
        new = await _post_raw(client, body, accept=GRAPHQL_RESPONSE_JSON)
        get = await client.get(
            "/graphql", params={"query": document, "variables": json.dumps(variables)}
        )

    assert (legacy.status_code, new.status_code, get.status_code) == (200, 400, 200)
    assert legacy.json() == new.json() == get.json() == _refusal(where)


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("title", f"Talk {LONE_SURROGATE}", 'variable "$input.title"'),
        ("topics", ["water", LONE_SURROGATE], 'variable "$input.topics[1]"'),
    ],
    ids=["title", "topic-list"],
)
async def test_a_lone_surrogate_in_a_mutation_input_writes_nothing(
    db: Database, app_settings: Settings, field: str, value: object, where: str
) -> None:
    token = (await make_token("editor", Role.EDITOR)).secret
    await make_topic(slug="water")
    event = {"slug": "new-talk", "title": "Talk", "dates": ["2026-05-01"], "topics": ["water"]}
    refused_body = {"query": CREATE_EVENT, "variables": {"input": {**event, field: value}}}
    async with running(create_app(app_settings, db)) as client:
        refused = await _post_raw(client, refused_body, **bearer(token))
        assert await Event.filter(slug="new-talk").count() == 0
        created = await _post_raw(
            client, {"query": CREATE_EVENT, "variables": {"input": event}}, **bearer(token)
        )

    assert refused.json() == _refusal(where)
    assert created.json() == {"data": {"createEvent": {"__typename": "EventCreateSuccess"}}}


async def test_a_lone_surrogate_in_a_literal_is_a_syntax_error_naming_where(
    db: Database, app_settings: Settings
) -> None:
    document = '{ event(slug: "' + LONE_SURROGATE + '") { title } }'
    escaped = '{ event(slug: "\\ud800") { title } }'
    async with running(create_app(app_settings, db)) as client:
        raw = await _post_raw(client, {"query": document})
        spelled = await _post_raw(client, {"query": escaped})
        # Nor may it crash the persisted-query check, which hashes the text it was sent.
        persisted = await _post_raw(
            client,
            {
                "query": document,
                "extensions": {
                    "persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}
                },
            },
        )

    assert (
        raw.json()
        == persisted.json()
        == {
            "errors": [
                {
                    "message": "Syntax Error: Invalid character within String: U+D800.",
                    "locations": [{"line": 1, "column": 16}],
                }
            ]
        }
    )
    assert spelled.json()["errors"][0]["message"] == (
        "Syntax Error: Invalid Unicode escape sequence: '\\ud800'."
    )


def _rejected_document(number: int) -> str:
    # About 90 KB, under the body limit, refused by the token limit; each one different.
    return f"query Padded{number} {{ " + "events { totalCount } " * 4000 + "}"


async def test_refused_documents_are_logged_by_size_and_hash_not_in_full(
    db: Database, app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    documents = [_rejected_document(number) for number in range(20)]
    caplog.set_level(logging.INFO)
    async with running(create_app(app_settings, db)) as client:
        caplog.clear()
        for document in documents:
            response = await client.post("/graphql", json={"query": document})
            assert "more than 1000 tokens" in response.json()["errors"][0]["message"]
    records = [
        record for record in caplog.records if record.name.startswith(("schema", "strawberry"))
    ]

    assert len(caplog.text) < 20_000  # each document in full would be 1.8 MB
    assert len(records) == len(documents)
    for record, document in zip(records, documents, strict=True):
        line = record.getMessage()
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert f"{len(document)} characters" in line and sha256_hex(document) in line
        assert "more than 1000 tokens" in line
        assert document[:60] in line and len(line) < 800


async def test_internal_errors_are_still_logged_with_their_traceback(
    db: Database,
    app_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(queries, "list_events", _broken_list_events)
    document = "{ events { totalCount } }"
    async with running(create_app(app_settings, db)) as client:
        await client.post("/graphql", json={"query": document})

    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "missing_table" in record.getMessage() and sha256_hex(document) in record.getMessage()
    assert record.exc_info is not None
    assert "Traceback" in caplog.text and "_broken_list_events" in caplog.text


def test_messages_show_the_database_url_without_its_password() -> None:
    settings = Settings(database_url="postgresql://cms:s3cret-pass@db.internal:5432/cms")
    assert settings.database_url_for_display == "postgres://cms:***@db.internal:5432/cms"
    assert "s3cret" not in settings.database_url_for_display
    assert Settings(database_url="postgres://cms@db:5432/cms").database_url_for_display == (
        "postgres://cms@db:5432/cms"
    )


def test_the_cli_names_a_wrong_setting_and_never_echoes_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from cms.cli import main

    monkeypatch.setenv("LOG_FORMAT", "xml")
    monkeypatch.setenv("METRICS_TOKEN", "short-secret")
    result = CliRunner().invoke(main, ["migrate"])

    assert result.exit_code == 1
    assert "LOG_FORMAT: Input should be 'json' or 'text' (got 'xml')" in result.output
    assert "METRICS_TOKEN: " in result.output
    assert "short-secret" not in result.output
    assert "Traceback" not in result.output


def test_the_cli_names_a_database_or_search_address_it_cannot_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from cms.cli import main

    monkeypatch.setenv("DATABASE_URL", "mysql://cms:hunter2@db/cms")
    monkeypatch.setenv("MEILI_URL", "localhost:7700")
    result = CliRunner().invoke(main, ["migrate"])

    assert result.exit_code == 1
    assert (
        "DATABASE_URL: Value error, must be sqlite:///path/to/file or "
        "postgres://user:password@host:5432/database"
    ) in result.output
    assert "MEILI_URL: Value error, must be an http:// or https:// address" in result.output
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_an_empty_database_or_search_address_means_the_embedded_default() -> None:
    settings = Settings(database_url="", meili_url="")
    assert settings.resolved_database_url.startswith("sqlite://")
    assert not settings.meili_url
