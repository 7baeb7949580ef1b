"""An editor's token drives an event's whole life over HTTP; the public never sees a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from server.seeding import seed_directory
from tests.auth.conftest import bearer

LIFE = {
    "create": """mutation { createEvent(input: {slug: "vigil-2025", title: "Vigil for the disappeared",
        dates: ["2025-03-08"], committee: "human-rights-defenders",
        participants: [{person: "antonio-stango", role: SPEAKER}]}) {
        __typename ... on EventCreateSuccess { event { id version status } } } }""",
    "update": """mutation ($v: Int!) { updateEvent(slug: "vigil-2025",
        input: {version: $v, summary: "A silent vigil."}) {
        __typename ... on EventUpdateSuccess { event { version summary } } } }""",
    "publish": """mutation ($v: Int!) { publishEvent(slug: "vigil-2025", version: $v) {
        __typename ... on EventPublishSuccess { event { version status } } } }""",
    "unpublish": """mutation ($v: Int!) { unpublishEvent(slug: "vigil-2025", version: $v) {
        __typename ... on EventUnpublishSuccess { event { version status } } } }""",
    "delete": """mutation ($v: Int!) { deleteEvent(slug: "vigil-2025", version: $v) {
        __typename ... on EventDeleteSuccess { slug } } }""",
}

WHERE_A_DRAFT_COULD_LEAK = """
query ($id: ID!) {
  event(slug: "vigil-2025") { slug }
  node(id: $id) { id }
  events(first: 100) { edges { node { slug } } }
  committee(slug: "human-rights-defenders") { events(first: 100) { slug } }
  person(slug: "antonio-stango") { events(first: 100) { slug } participations(first: 100) { event { slug } } }
  search(query: "vigil disappeared") { totalHits hits { ... on EventHit { event { slug } } } }
}
"""


async def post(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]  # untyped JSON


def slugs_seen_by(data: dict[str, Any]) -> set[str]:
    seen = {e["node"]["slug"] for e in data["events"]["edges"]}
    seen |= {e["slug"] for e in data["committee"]["events"]}
    seen |= {e["slug"] for e in data["person"]["events"]}
    seen |= {p["event"]["slug"] for p in data["person"]["participations"] if p["event"]}
    seen |= {h["event"]["slug"] for h in data["search"]["hits"] if h}
    if data["event"]:
        seen.add(data["event"]["slug"])
    return seen


async def test_an_editor_creates_updates_publishes_unpublishes_and_deletes_an_event(
    client: httpx.AsyncClient, editor_token: str, seeds_dir: Path
) -> None:
    await seed_directory(seeds_dir)
    editor = bearer(editor_token)

    created = (await post(client, LIFE["create"], editor))["createEvent"]
    assert created["__typename"] == "EventCreateSuccess"
    assert created["event"]["status"] == "DRAFT"
    event_id = created["event"]["id"]

    updated = (await post(client, LIFE["update"], editor, v=1))["updateEvent"]
    assert updated == {
        "__typename": "EventUpdateSuccess",
        "event": {"version": 2, "summary": "A silent vigil."},
    }
    stale = (await post(client, LIFE["update"], editor, v=1))["updateEvent"]
    assert stale["__typename"] == "ConflictError"

    anonymous_view = await post(client, WHERE_A_DRAFT_COULD_LEAK, id=event_id)
    assert anonymous_view["node"] is None
    assert "vigil-2025" not in slugs_seen_by(anonymous_view)
    editors_view = await post(client, WHERE_A_DRAFT_COULD_LEAK, editor, id=event_id)
    assert editors_view["node"] == {"id": event_id}
    assert "vigil-2025" in slugs_seen_by(editors_view)

    published = (await post(client, LIFE["publish"], editor, v=2))["publishEvent"]
    assert published == {
        "__typename": "EventPublishSuccess",
        "event": {"version": 3, "status": "PUBLISHED"},
    }
    public = await post(client, WHERE_A_DRAFT_COULD_LEAK, id=event_id)
    assert public["node"] == {"id": event_id}
    assert "vigil-2025" in slugs_seen_by(public)

    unpublished = (await post(client, LIFE["unpublish"], editor, v=3))["unpublishEvent"]
    assert unpublished["event"] == {"version": 4, "status": "DRAFT"}
    hidden_again = await post(client, WHERE_A_DRAFT_COULD_LEAK, id=event_id)
    assert hidden_again["node"] is None
    assert "vigil-2025" not in slugs_seen_by(hidden_again)

    deleted = (await post(client, LIFE["delete"], editor, v=4))["deleteEvent"]
    assert deleted == {"__typename": "EventDeleteSuccess", "slug": "vigil-2025"}
    assert (await post(client, WHERE_A_DRAFT_COULD_LEAK, editor, id=event_id))["event"] is None


async def test_anonymous_callers_cannot_write(client: httpx.AsyncClient) -> None:
    result = (await post(client, LIFE["create"]))["createEvent"]

    assert result["__typename"] == "PermissionDeniedError"
