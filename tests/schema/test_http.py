"""The endpoint answers over HTTP when routed as the app routes it, with fresh loaders each time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from schema.view import make_graphql_app
from server.content.models import Event
from server.database import Database
from server.settings import Settings
from tests.factories import make_event

EVENT_TITLE = """
query EventTitle($slug: String!) {
  event(slug: $slug) { id title }
}
"""

NODE_TITLE = """
query NodeTitle($id: ID!) {
  node(id: $id) { ... on Event { title } }
}
"""


def _client(settings: Settings) -> httpx.AsyncClient:
    # ASGITransport runs the app on the test's own event loop, where the
    # database connections live (TestClient would start a loop of its own).
    app = Starlette(routes=[Route("/graphql", make_graphql_app(settings))])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(settings) as client:
        yield client


async def test_post_and_get_are_served_at_graphql_without_a_redirect(
    db: Database, client: httpx.AsyncClient
) -> None:
    await make_event(slug="impunity", title="Impunity")
    query = {"query": EVENT_TITLE, "variables": {"slug": "impunity"}}

    posted = await client.post("/graphql", json=query)
    got = await client.get(
        "/graphql", params={"query": EVENT_TITLE, "variables": '{"slug": "impunity"}'}
    )

    assert posted.status_code == got.status_code == 200
    assert posted.json()["data"]["event"]["title"] == "Impunity"
    assert got.json() == posted.json()


async def test_each_request_gets_fresh_loaders(db: Database, client: httpx.AsyncClient) -> None:
    event = await make_event(slug="impunity", title="Before")
    first = await client.post(
        "/graphql", json={"query": EVENT_TITLE, "variables": {"slug": "impunity"}}
    )
    global_id = first.json()["data"]["event"]["id"]
    node = {"query": NODE_TITLE, "variables": {"id": global_id}}

    before = await client.post("/graphql", json=node)
    await Event.filter(id=event.id).update(title="After")
    after = await client.post("/graphql", json=node)

    assert before.json() == {"data": {"node": {"title": "Before"}}}
    assert after.json() == {"data": {"node": {"title": "After"}}}


async def test_errors_come_back_as_graphql_errors(db: Database, client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ events(first: 1000) { totalCount } }"}
    )

    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "`first` must be between 0 and 100, got 1000."


async def test_graphiql_follows_the_settings(settings: Settings) -> None:
    html = {"accept": "text/html"}
    async with _client(settings.model_copy(update={"graphiql": True})) as client:
        enabled = await client.get("/graphql", headers=html)
    async with _client(settings.model_copy(update={"graphiql": False})) as client:
        disabled = await client.get("/graphql", headers=html)

    assert enabled.status_code == 200
    assert "graphiql" in enabled.text.lower()
    assert disabled.status_code == 404
