"""HTTP caching: anonymous GETs are public with a strong ETag and 304s; anything with a
credential is private; POSTs and errors are not stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from cms.app import create_app
from server.auth.viewer import Role
from server.content.models import EventStatus
from server.database import Database
from server.settings import Settings
from tests.asgi import running
from tests.auth.conftest import bearer, make_token
from tests.factories import make_event

PAGE = "{ events(first: 10) { nodes { slug title } } }"
VARY = "Accept, Authorization, X-Preview-Token"
RENAME = """mutation ($slug: String!, $v: Int!) {
  updateEvent(slug: $slug, input: {version: $v, title: "Renamed"}) { __typename }
}"""
PREVIEW = """mutation ($slug: String!) {
  createPreviewToken(slug: $slug) { ... on PreviewTokenCreateSuccess { token } }
}"""


@pytest.fixture
async def client(db: Database, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    settings = app_settings.model_copy(update={"http_cache_max_age": 120})
    async with running(create_app(settings, db)) as client:
        yield client


async def _get(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **params: str
) -> httpx.Response:
    return await client.get("/graphql", params=params or {"query": PAGE}, headers=headers or {})


async def test_an_anonymous_get_is_public_with_a_strong_etag(client: httpx.AsyncClient) -> None:
    await make_event(title="Vigil")

    answer = await _get(client)
    again = await _get(client)  # answered from the response cache: the same headers

    assert answer.status_code == 200
    assert answer.json()["data"]["events"]["nodes"][0]["title"] == "Vigil"
    assert answer.headers["cache-control"] == "public, max-age=120"
    assert answer.headers["vary"] == VARY
    etag = answer.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=120"


async def test_a_matching_if_none_match_gets_304_until_the_content_changes(
    client: httpx.AsyncClient,
) -> None:
    event = await make_event(title="Vigil")
    editor = bearer((await make_token("editor", Role.EDITOR)).secret)
    etag = (await _get(client)).headers["etag"]

    unchanged = await _get(client, {"If-None-Match": etag})
    among_others = await _get(client, {"If-None-Match": f'"something-else", W/{etag}'})
    other = await _get(client, {"If-None-Match": '"something-else"'})
    await client.post(
        "/graphql",
        json={"query": RENAME, "variables": {"slug": event.slug, "v": event.version}},
        headers=editor,
    )
    changed = await _get(client, {"If-None-Match": etag})

    assert unchanged.status_code == among_others.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert unchanged.headers["cache-control"] == "public, max-age=120"
    assert other.status_code == 200
    assert changed.status_code == 200
    assert changed.json()["data"]["events"]["nodes"][0]["title"] == "Renamed"
    assert changed.headers["etag"] != etag


async def test_a_persisted_query_by_hash_is_cached_like_any_get(client: httpx.AsyncClient) -> None:
    await make_event(title="Vigil")
    digest = hashlib.sha256(PAGE.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})

    unknown = await _get(client, extensions=extensions)
    await _get(client, query=PAGE, extensions=extensions)  # registers the document
    by_hash = await _get(client, extensions=extensions)
    revalidated = await _get(
        client, {"If-None-Match": by_hash.headers["etag"]}, extensions=extensions
    )

    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown.headers["cache-control"] == "no-store"
    assert "etag" not in unknown.headers
    assert by_hash.json()["data"]["events"]["nodes"][0]["title"] == "Vigil"
    assert by_hash.headers["cache-control"] == "public, max-age=120"
    assert revalidated.status_code == 304


async def test_an_authenticated_request_is_private_and_never_304(
    client: httpx.AsyncClient,
) -> None:
    await make_event(title="Vigil")
    editor = bearer((await make_token("editor", Role.EDITOR)).secret)
    public_etag = (await _get(client)).headers["etag"]

    answer = await _get(client, editor | {"If-None-Match": public_etag})
    posted = await client.post("/graphql", json={"query": PAGE}, headers=editor)

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == posted.headers["cache-control"] == "private, no-store"
    assert answer.headers["vary"] == VARY
    assert "etag" not in answer.headers


async def test_a_preview_request_is_private(client: httpx.AsyncClient) -> None:
    await make_event(slug="the-draft", status=EventStatus.DRAFT)
    editor = bearer((await make_token("editor", Role.EDITOR)).secret)
    made = await client.post(
        "/graphql", json={"query": PREVIEW, "variables": {"slug": "the-draft"}}, headers=editor
    )
    token = made.json()["data"]["createPreviewToken"]["token"]

    answer = await _get(client, {"X-Preview-Token": token})

    assert answer.json()["data"]["events"]["nodes"][0]["slug"] == "the-draft"
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["vary"] == VARY
    assert "etag" not in answer.headers


async def test_posts_and_errors_are_not_stored(client: httpx.AsyncClient) -> None:
    await make_event(title="Vigil")

    await client.post("/graphql", json={"query": PAGE})
    posted = await client.post("/graphql", json={"query": PAGE})  # from the response cache
    invalid = await _get(client, query="{ events { nodes { noSuchField } } }")
    failing = await _get(
        client, query='{ event(slug: "x") { slug } events(first: -1) { nodes { slug } } }'
    )

    assert posted.status_code == 200
    assert posted.headers["cache-control"] == "no-store"
    assert invalid.headers["cache-control"] == failing.headers["cache-control"] == "no-store"
    assert "errors" in failing.json()
    for answer in (posted, invalid, failing):
        assert "etag" not in answer.headers
        assert answer.headers["vary"] == VARY
