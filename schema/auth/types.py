"""API tokens as GraphQL types: never the secret, except once in the result that creates it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from schema.errors import NotFoundError, PermissionDeniedError, ValidationError
from server.auth import models
from server.auth.viewer import Role


@strawberry.enum(description="The role an API token grants.")
class ApiTokenRole(Enum):
    EDITOR = Role.EDITOR.value
    ADMIN = Role.ADMIN.value

    def to_role(self) -> Role:
        return Role(self.value)


@strawberry.type(
    description="A credential sent as `Authorization: Bearer <token>`; its secret is not kept."
)
class ApiToken:
    name: str = strawberry.field(description="The token's unique name.")
    role: ApiTokenRole = strawberry.field(description="What requests with this token may do.")
    prefix: str = strawberry.field(
        description="The secret's first characters, to tell tokens apart."
    )
    created_by: str = strawberry.field(description="Who created the token.")
    created_at: datetime = strawberry.field(description="When the token was created.")
    last_used_at: datetime | None = strawberry.field(
        description="When a request last sent the token (to the minute); null if never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the token was revoked; null while it works."
    )

    @classmethod
    def from_row(cls, row: models.ApiToken) -> ApiToken:
        return cls(
            name=row.name,
            role=ApiTokenRole(row.role.value),
            prefix=row.prefix,
            created_by=row.created_by,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.input(description="A new API token.")
class ApiTokenCreateInput:
    name: str = strawberry.field(description="A unique name saying who or what uses the token.")
    role: ApiTokenRole = strawberry.field(description="The role the token grants.")


@strawberry.type(description="The token was created; copy its secret now, it is never shown again.")
class ApiTokenCreateSuccess:
    token: ApiToken = strawberry.field(description="The new token.")
    secret: str = strawberry.field(
        description="The token to send as `Authorization: Bearer <secret>`; shown only here."
    )


@strawberry.type(description="The token is revoked: requests that send it get HTTP 401.")
class ApiTokenRevokeSuccess:
    token: ApiToken = strawberry.field(description="The revoked token.")


ApiTokenCreateResult = Annotated[
    ApiTokenCreateSuccess | ValidationError | PermissionDeniedError,
    strawberry.union("ApiTokenCreateResult", description="The new token, or why there is none."),
]
ApiTokenRevokeResult = Annotated[
    ApiTokenRevokeSuccess | NotFoundError | PermissionDeniedError,
    strawberry.union("ApiTokenRevokeResult", description="The revoked token, or why it is not."),
]
