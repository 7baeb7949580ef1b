"""deleteCommittee: delete a committee that runs no events, with its members' seats."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The committee was deleted.")
class CommitteeDeleteSuccess:
    slug: str = strawberry.field(description="The slug the deleted committee had.")


CommitteeDeleteResult = Annotated[
    CommitteeDeleteSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "CommitteeDeleteResult", description="The deleted committee, or why it is not."
    ),
]


@strawberry.mutation(
    description="Delete a committee and its members' seats; editors only. A committee that "
    "still runs events is refused (ValidationError, code IN_USE)."
)
async def delete_committee(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the committee to delete.")],
    version: Version,
) -> CommitteeDeleteResult:
    row = await services.delete_committee(info.context.viewer, slug, version=version)
    return CommitteeDeleteSuccess(slug=row.slug)
