"""Draft previews: a preview token reads its one draft, nothing else, and dies on time,
on publication and on deletion."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from cms.app import create_app
from server.auth import previews
from server.auth.viewer import Role, Viewer
from server.content.models import EventStatus
from server.database import Database
from server.settings import Environment, Settings
from tests.asgi import running
from tests.auth.conftest import bearer, make_token
from tests.factories import make_event

CREATE_TOKEN = """mutation ($slug: String!) {
  createPreviewToken(slug: $slug) {
    __typename
    ... on PreviewTokenCreateSuccess { token expiresAt event { slug status } }
    ... on ValidationError { errors { field message } }
    ... on PermissionDeniedError { message }
    ... on NotFoundError { message }
  }
}"""
EVENT = """query ($slug: String!) {
  event(slug: $slug) { slug title status recordings { title } }
}"""
EVENTS = "{ events(first: 50) { nodes { slug } } }"
PUBLISH = """mutation ($slug: String!, $v: Int!) {
  publishEvent(slug: $slug, version: $v) { __typename }
}"""
UNPUBLISH = """mutation ($slug: String!, $v: Int!) {
  unpublishEvent(slug: $slug, version: $v) { __typename ... on EventUnpublishSuccess { event { version } } }
}"""
RENAME = """mutation ($slug: String!, $v: Int!) {
  updateEvent(slug: $slug, input: {version: $v, title: "Draft, edited"}) { __typename }
}"""
DELETE = """mutation ($slug: String!, $v: Int!) {
  deleteEvent(slug: $slug, version: $v) { __typename }
}"""


@pytest.fixture
async def client(db: Database, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(app_settings, db)) as client:
        yield client


@pytest.fixture
async def editor(db: Database) -> dict[str, str]:
    return bearer((await make_token("editor", Role.EDITOR)).secret)


async def _ask(
    client: httpx.AsyncClient,
    query: str,
    headers: dict[str, str] | None = None,
    **variables: object,
) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )


async def _preview_token(client: httpx.AsyncClient, editor: dict[str, str], slug: str) -> str:
    made = (await _ask(client, CREATE_TOKEN, editor, slug=slug)).json()["data"]
    assert made["createPreviewToken"]["__typename"] == "PreviewTokenCreateSuccess", made
    return str(made["createPreviewToken"]["token"])


def _preview(token: str) -> dict[str, str]:
    return {"X-Preview-Token": token}


async def test_a_preview_token_reads_its_draft_and_nothing_else(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    await make_event(slug="the-draft", status=EventStatus.DRAFT, recordings=["Full panel"])
    await make_event(slug="another-draft", status=EventStatus.DRAFT)
    await make_event(slug="public-event")
    token = await _preview_token(client, editor, "the-draft")

    draft = await _ask(client, EVENT, _preview(token), slug="the-draft")
    other = await _ask(client, EVENT, _preview(token), slug="another-draft")
    listed = await _ask(client, EVENTS, _preview(token))
    anonymous = await _ask(client, EVENT, slug="the-draft")

    assert draft.json() == {
        "data": {
            "event": {
                "slug": "the-draft",
                "title": "The Draft",
                "status": "DRAFT",
                "recordings": [{"title": "Full panel"}],
            }
        }
    }
    assert other.json() == {"data": {"event": None}}
    assert {node["slug"] for node in listed.json()["data"]["events"]["nodes"]} == {
        "the-draft",
        "public-event",
    }
    assert anonymous.json() == {"data": {"event": None}}


async def test_a_preview_token_grants_no_editor_rights(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="the-draft", status=EventStatus.DRAFT)
    token = await _preview_token(client, editor, "the-draft")

    renamed = await _ask(client, RENAME, _preview(token), slug="the-draft", v=draft.version)
    another = await _ask(client, CREATE_TOKEN, _preview(token), slug="the-draft")

    assert renamed.json()["data"]["updateEvent"] == {"__typename": "PermissionDeniedError"}
    assert another.json()["data"]["createPreviewToken"]["__typename"] == "PermissionDeniedError"


async def test_edits_to_the_draft_keep_its_preview_alive(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="the-draft", status=EventStatus.DRAFT)
    token = await _preview_token(client, editor, "the-draft")

    await _ask(client, RENAME, editor, slug="the-draft", v=draft.version)
    seen = await _ask(client, EVENT, _preview(token), slug="the-draft")

    assert seen.json()["data"]["event"]["title"] == "Draft, edited"


async def test_a_preview_token_dies_when_its_event_is_published_even_if_unpublished_again(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="the-draft", status=EventStatus.DRAFT)
    token = await _preview_token(client, editor, "the-draft")

    await _ask(client, PUBLISH, editor, slug="the-draft", v=draft.version)
    after_publishing = await _ask(client, EVENT, _preview(token), slug="the-draft")
    unpublished = await _ask(client, UNPUBLISH, editor, slug="the-draft", v=draft.version + 1)
    after_unpublishing = await _ask(client, EVENT, _preview(token), slug="the-draft")

    assert unpublished.json()["data"]["unpublishEvent"]["__typename"] == "EventUnpublishSuccess"
    for refused in (after_publishing, after_unpublishing):
        assert refused.status_code == 401
        assert "has been published" in refused.json()["errors"][0]["message"]


async def test_a_preview_token_dies_when_its_event_is_deleted(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="the-draft", status=EventStatus.DRAFT)
    token = await _preview_token(client, editor, "the-draft")

    deleted = await _ask(client, DELETE, editor, slug="the-draft", v=draft.version)
    await make_event(slug="the-draft", status=EventStatus.DRAFT)  # the slug taken again
    refused = await _ask(client, EVENT, _preview(token), slug="the-draft")

    assert deleted.json()["data"]["deleteEvent"]["__typename"] == "EventDeleteSuccess"
    assert refused.status_code == 401
    assert "has been deleted" in refused.json()["errors"][0]["message"]


async def test_an_expired_or_forged_preview_token_is_refused(
    client: httpx.AsyncClient, app_settings: Settings, editor: dict[str, str]
) -> None:
    await make_event(slug="the-draft", status=EventStatus.DRAFT)
    an_hour_and_a_bit_ago = time.time() - app_settings.preview_token_seconds - 1
    expired = await previews.create_preview_token(
        Viewer("editor", Role.EDITOR), app_settings, "the-draft", now=an_hour_and_a_bit_ago
    )
    token = await _preview_token(client, editor, "the-draft")
    version, payload, signature = token.split(".")
    forged = f"{version}.{payload}.{signature[::-1]}"

    late = await _ask(client, EVENT, _preview(expired.token), slug="the-draft")
    fake = await _ask(client, EVENT, _preview(forged), slug="the-draft")
    garbage = await _ask(client, EVENT, _preview("not a token"), slug="the-draft")

    assert late.status_code == fake.status_code == garbage.status_code == 401
    assert "expired" in late.json()["errors"][0]["message"]
    assert "signature" in fake.json()["errors"][0]["message"]
    assert "malformed" in garbage.json()["errors"][0]["message"]


async def test_only_editors_get_preview_tokens_and_only_for_drafts(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    await make_event(slug="the-draft", status=EventStatus.DRAFT)
    await make_event(slug="public-event")

    anonymous = (await _ask(client, CREATE_TOKEN, slug="the-draft")).json()["data"]
    published = (await _ask(client, CREATE_TOKEN, editor, slug="public-event")).json()["data"]
    missing = (await _ask(client, CREATE_TOKEN, editor, slug="no-such-event")).json()["data"]

    assert anonymous["createPreviewToken"]["__typename"] == "PermissionDeniedError"
    assert published["createPreviewToken"] == {
        "__typename": "ValidationError",
        "errors": [
            {
                "field": "slug",
                "message": "the event is published: anyone can read it without a preview token",
            }
        ],
    }
    assert missing["createPreviewToken"]["__typename"] == "NotFoundError"


async def test_production_serves_previews_only_with_a_preview_secret(
    db: Database, app_settings: Settings
) -> None:
    await make_event(slug="the-draft", status=EventStatus.DRAFT)
    editor = bearer((await make_token("editor", Role.EDITOR)).secret)
    production = app_settings.model_copy(update={"environment": Environment.PRODUCTION})
    secret = "a-long-random-preview-secret-for-this-test"
    signed = production.model_copy(update={"preview_secret": SecretStr(secret)})

    async with running(create_app(production, db)) as client:
        refused = (await _ask(client, CREATE_TOKEN, editor, slug="the-draft")).json()["data"]
    async with running(create_app(signed, db)) as client:
        token = await _preview_token(client, editor, "the-draft")
        seen = await _ask(client, EVENT, _preview(token), slug="the-draft")

    assert refused["createPreviewToken"]["__typename"] == "PermissionDeniedError"
    assert "PREVIEW_SECRET" in refused["createPreviewToken"]["message"]
    assert seen.json()["data"]["event"]["slug"] == "the-draft"
    assert not (app_settings.data_dir / "preview-secret").exists()


async def test_preview_answers_never_reach_the_response_cache(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    await make_event(slug="the-draft", status=EventStatus.DRAFT)
    token = await _preview_token(client, editor, "the-draft")

    before = await client.get("/graphql", params={"query": EVENTS})
    previewed = await client.get("/graphql", params={"query": EVENTS}, headers=_preview(token))
    after = await client.get("/graphql", params={"query": EVENTS})

    assert before.json() == after.json() == {"data": {"events": {"nodes": []}}}
    assert previewed.json() == {"data": {"events": {"nodes": [{"slug": "the-draft"}]}}}
    assert previewed.headers["cache-control"] == "private, no-store"
    assert "etag" not in previewed.headers
