"""Token management over GraphQL: admins create, list and revoke tokens; nobody else may."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.auth.models import ApiToken
from server.database import Database
from tests.auth.conftest import bearer, make_token

CREATE = """
mutation Create($input: ApiTokenCreateInput!) {
  createApiToken(input: $input) {
    __typename
    ... on ApiTokenCreateSuccess { secret token { name role prefix createdBy revokedAt } }
    ... on ValidationError { errors { field message code } }
    ... on PermissionDeniedError { message }
  }
}
"""

REVOKE = """
mutation Revoke($name: String!) {
  revokeApiToken(name: $name) {
    __typename
    ... on ApiTokenRevokeSuccess { token { name revokedAt } }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
  }
}
"""

LIST = """
{ apiTokens { name role prefix createdBy createdAt lastUsedAt revokedAt } }
"""


async def _post(
    client: httpx.AsyncClient, secret: str | None, query: str, **variables: Any
) -> dict[str, Any]:
    headers = bearer(secret) if secret else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_admin_creates_a_token_that_works_at_once(
    client: httpx.AsyncClient, admin_token: str
) -> None:
    created = await _post(client, admin_token, CREATE, input={"name": "bot", "role": "EDITOR"})

    result = created["data"]["createApiToken"]
    secret = result["secret"]
    assert result["__typename"] == "ApiTokenCreateSuccess"
    assert result["token"] == {
        "name": "bot",
        "role": "EDITOR",
        "prefix": secret[:12],
        "createdBy": "admin",
        "revokedAt": None,
    }
    assert secret not in repr(await ApiToken.all().values())
    listed = await _post(client, secret, "{ events { totalCount } }")
    assert listed == {"data": {"events": {"totalCount": 0}}}


async def test_an_admin_lists_tokens_without_their_secrets(
    client: httpx.AsyncClient, admin_token: str
) -> None:
    bot = await make_token("bot")

    body = await _post(client, admin_token, LIST)

    assert "errors" not in body
    tokens = body["data"]["apiTokens"]
    assert [(t["name"], t["role"], t["prefix"]) for t in tokens] == [
        ("admin", "ADMIN", admin_token[:12]),
        ("bot", "EDITOR", bot.secret[:12]),
    ]
    assert tokens[0]["lastUsedAt"] is not None and tokens[1]["lastUsedAt"] is None
    assert admin_token not in repr(body) and bot.secret not in repr(body)


async def test_an_admin_revokes_a_token(client: httpx.AsyncClient, admin_token: str) -> None:
    bot = await make_token("bot")

    body = await _post(client, admin_token, REVOKE, name="bot")

    result = body["data"]["revokeApiToken"]
    assert result["__typename"] == "ApiTokenRevokeSuccess"
    assert result["token"]["name"] == "bot" and result["token"]["revokedAt"] is not None
    refused = await client.post("/graphql", json={"query": LIST}, headers=bearer(bot.secret))
    assert refused.status_code == 401


async def test_a_duplicate_name_is_a_validation_error(
    client: httpx.AsyncClient, admin_token: str
) -> None:
    body = await _post(client, admin_token, CREATE, input={"name": "admin", "role": "ADMIN"})

    assert body == {
        "data": {
            "createApiToken": {
                "__typename": "ValidationError",
                "errors": [
                    {
                        "field": "name",
                        "message": "a token named 'admin' exists already",
                        "code": "DUPLICATE",
                    }
                ],
            }
        }
    }


async def test_revoking_an_unknown_name_is_not_found(
    client: httpx.AsyncClient, admin_token: str
) -> None:
    body = await _post(client, admin_token, REVOKE, name="ghost")

    assert body == {
        "data": {
            "revokeApiToken": {
                "__typename": "NotFoundError",
                "message": "no API token named 'ghost'",
            }
        }
    }


@pytest.fixture(params=["editor", "anonymous"])
async def non_admin(request: pytest.FixtureRequest, db: Database, editor_token: str) -> str | None:
    """The secret a non-admin sends: an editor's token, or none at all."""
    return editor_token if request.param == "editor" else None


async def test_non_admins_may_not_create_or_revoke_tokens(
    client: httpx.AsyncClient, non_admin: str | None
) -> None:
    await make_token("bot")

    created = await _post(client, non_admin, CREATE, input={"name": "mine", "role": "ADMIN"})
    revoked = await _post(client, non_admin, REVOKE, name="bot")

    who = "editor" if non_admin else "anonymous"
    denied = {
        "__typename": "PermissionDeniedError",
        "message": f"{who} may not manage API tokens; only admins may",
    }
    assert created == {"data": {"createApiToken": denied}}
    assert revoked == {"data": {"revokeApiToken": denied}}
    assert not await ApiToken.filter(name="mine").exists()
    assert (await ApiToken.get(name="bot")).revoked_at is None


async def test_non_admins_may_not_list_tokens(
    client: httpx.AsyncClient, non_admin: str | None
) -> None:
    body = await _post(client, non_admin, LIST)

    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["apiTokens"]
    assert error["extensions"] == {"code": "FORBIDDEN"}
