"""Bearer tokens on /graphql through the real app: no header reads as anonymous, a token acts
with its role, and any other Authorization header gets 401, never anonymous."""

from __future__ import annotations

import httpx
import pytest

from server.auth import tokens
from server.auth.models import ApiToken
from server.auth.viewer import SYSTEM
from server.content.models import EventStatus
from server.database import Database
from tests.auth.conftest import bearer, make_token
from tests.factories import make_event

EVENTS = """
query Events($status: EventStatus) {
  events(filter: {status: $status}) { nodes { slug } }
}
"""

EVENT = """
query Event($slug: String!) {
  event(slug: $slug) { slug status }
}
"""


async def _slugs(
    client: httpx.AsyncClient, headers: dict[str, str], status: str | None = None
) -> list[str]:
    response = await client.post(
        "/graphql", json={"query": EVENTS, "variables": {"status": status}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body
    return sorted(node["slug"] for node in body["data"]["events"]["nodes"])


@pytest.fixture
async def published_and_draft(db: Database) -> None:
    await make_event(slug="published")
    await make_event(slug="draft", status=EventStatus.DRAFT)


async def test_without_a_header_the_caller_is_anonymous_and_sees_published_content_only(
    client: httpx.AsyncClient, published_and_draft: None
) -> None:
    assert await _slugs(client, {}) == ["published"]
    assert await _slugs(client, {}, "DRAFT") == []
    response = await client.post("/graphql", json={"query": EVENT, "variables": {"slug": "draft"}})
    assert response.json() == {"data": {"event": None}}


async def test_an_editor_token_sees_drafts(
    client: httpx.AsyncClient, published_and_draft: None, editor_token: str
) -> None:
    assert await _slugs(client, bearer(editor_token)) == ["draft", "published"]
    assert await _slugs(client, bearer(editor_token), "DRAFT") == ["draft"]
    response = await client.post(
        "/graphql",
        json={"query": EVENT, "variables": {"slug": "draft"}},
        headers=bearer(editor_token),
    )
    assert response.json() == {"data": {"event": {"slug": "draft", "status": "DRAFT"}}}


async def test_the_scheme_is_case_insensitive_and_use_is_recorded(
    client: httpx.AsyncClient, published_and_draft: None, editor_token: str
) -> None:
    headers = {"Authorization": f"bearer   {editor_token} "}

    assert await _slugs(client, headers, "DRAFT") == ["draft"]
    assert (await ApiToken.get(name="editor")).last_used_at is not None


async def _revoked() -> str:
    new = await make_token("gone")
    await tokens.revoke_token(SYSTEM, "gone")
    return new.secret


EMPTY = "The Authorization header is empty"
NOT_BEARER = "Only the Bearer scheme is accepted"
NO_TOKEN = "The Bearer token is empty"
MALFORMED = "The Bearer token is malformed"
REFUSALS = [
    pytest.param("", EMPTY, "invalid_request", id="empty"),
    pytest.param("   ", EMPTY, "invalid_request", id="blank"),
    pytest.param("Bearer", NO_TOKEN, "invalid_request", id="bearer-alone"),
    pytest.param("Bearer    ", NO_TOKEN, "invalid_request", id="empty-bearer"),
    pytest.param("Basic ZWRpdG9yOnNlY3JldA==", NOT_BEARER, "invalid_request", id="basic"),
    pytest.param("Token cms_abc", NOT_BEARER, "invalid_request", id="other-scheme"),
    pytest.param("cms_abc", NOT_BEARER, "invalid_request", id="no-scheme"),
    pytest.param("Bearer cms_abc def", MALFORMED, "invalid_request", id="two-words"),
    pytest.param("Bearer cms_ab\u00e7", MALFORMED, "invalid_request", id="non-ascii"),
    pytest.param("Bearer " + "a" * 300, MALFORMED, "invalid_request", id="too-long"),
    pytest.param(
        "Bearer cms_unknown", "The API token is not recognised.", "invalid_token", id="unknown"
    ),
    pytest.param(
        "Bearer {revoked}", "The API token has been revoked.", "invalid_token", id="revoked"
    ),
]


@pytest.mark.parametrize(("header", "message", "error"), REFUSALS)
async def test_bad_credentials_get_401_never_anonymous(
    client: httpx.AsyncClient, db: Database, header: str, message: str, error: str
) -> None:
    await make_event(slug="published")
    if "{revoked}" in header:
        header = header.format(revoked=await _revoked())

    response = await client.post(
        "/graphql",
        json={"query": EVENTS},
        headers=[(b"authorization", header.encode("utf-8"))],
    )

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"] == f'Bearer realm="cms", error="{error}"'
    [only] = response.json()["errors"]
    assert only["message"].startswith(message)
    assert only["extensions"] == {"code": "UNAUTHENTICATED"}
    assert set(response.json()) == {"errors"}


async def test_two_authorization_headers_get_401(
    client: httpx.AsyncClient, editor_token: str
) -> None:
    value = f"Bearer {editor_token}".encode()
    response = await client.post(
        "/graphql",
        json={"query": EVENTS},
        headers=[(b"authorization", value), (b"authorization", value)],
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Send one Authorization header, not 2."


async def test_a_get_query_with_a_bad_token_gets_401(
    client: httpx.AsyncClient, db: Database
) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ events { totalCount } }"}, headers=bearer("cms_unknown")
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_token_stops_working_once_revoked(
    client: httpx.AsyncClient, published_and_draft: None, editor_token: str
) -> None:
    assert await _slugs(client, bearer(editor_token), "DRAFT") == ["draft"]

    await tokens.revoke_token(SYSTEM, "editor")
    response = await client.post("/graphql", json={"query": EVENTS}, headers=bearer(editor_token))

    assert response.status_code == 401


async def test_health_checks_do_not_read_the_authorization_header(
    client: httpx.AsyncClient, db: Database
) -> None:
    alive = await client.get("/healthz", headers=bearer("cms_unknown"))
    ready = await client.get("/readyz", headers=bearer("cms_unknown"))

    assert (alive.status_code, ready.status_code) == (200, 200)
