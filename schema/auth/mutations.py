"""The root mutations for API tokens: admins create and revoke them."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.auth.types import (
    ApiToken,
    ApiTokenCreateInput,
    ApiTokenCreateResult,
    ApiTokenCreateSuccess,
    ApiTokenRevokeResult,
    ApiTokenRevokeSuccess,
)
from schema.context import Context
from schema.errors import NotFoundError, PermissionDeniedError, ValidationError
from server.auth import tokens
from server.content.errors import NotFound, PermissionDenied, ValidationFailed


@strawberry.type(description="Creating and revoking API tokens, for admins.")
class AuthMutation:
    @strawberry.mutation(
        description="Create an API token; the result carries its secret, "
        "which is never shown again."
    )
    async def create_api_token(
        self,
        info: strawberry.Info[Context],
        input: Annotated[
            ApiTokenCreateInput, strawberry.argument(description="The token's name and role.")
        ],
    ) -> ApiTokenCreateResult:
        try:
            new = await tokens.create_token(info.context.viewer, input.name, input.role.to_role())
        except ValidationFailed as error:
            return ValidationError.from_error(error)
        except PermissionDenied as error:
            return PermissionDeniedError(message=str(error))
        return ApiTokenCreateSuccess(token=ApiToken.from_row(new.token), secret=new.secret)

    @strawberry.mutation(description="Revoke an API token for good; revoking it again is harmless.")
    async def revoke_api_token(
        self,
        info: strawberry.Info[Context],
        name: Annotated[str, strawberry.argument(description="The token's name.")],
    ) -> ApiTokenRevokeResult:
        try:
            row = await tokens.revoke_token(info.context.viewer, name)
        except NotFound as error:
            return NotFoundError(message=str(error))
        except PermissionDenied as error:
            return PermissionDeniedError(message=str(error))
        return ApiTokenRevokeSuccess(token=ApiToken.from_row(row))
