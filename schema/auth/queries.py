"""The root query field for API tokens, which only admins may read."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from schema.auth.types import ApiToken
from schema.context import Context
from server.auth import tokens
from server.content.errors import PermissionDenied


@strawberry.type(description="API tokens, for admins.")
class AuthQuery:
    @strawberry.field(
        description="Every API token, revoked ones included, by name; "
        "admins only (anyone else gets a FORBIDDEN error)."
    )
    async def api_tokens(self, info: strawberry.Info[Context]) -> list[ApiToken]:
        try:
            rows = await tokens.list_tokens(info.context.viewer)
        except PermissionDenied as error:
            raise GraphQLError(str(error), extensions={"code": "FORBIDDEN"}) from error
        return [ApiToken.from_row(row) for row in rows]
