"""deletePerson: delete a person, and with `force` their parts in events and committees."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The person was deleted.")
class PersonDeleteSuccess:
    slug: str = strawberry.field(description="The slug the deleted person had.")


PersonDeleteResult = Annotated[
    PersonDeleteSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("PersonDeleteResult", description="The deleted person, or why they are not."),
]


@strawberry.mutation(
    description="Delete a person; editors only. Someone who still takes part in events or "
    "sits on a committee is refused (ValidationError, code IN_USE) unless `force` is true."
)
async def delete_person(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the person to delete.")],
    version: Version,
    force: Annotated[
        bool,
        strawberry.argument(
            description="Also remove them from the events and committees they are on; "
            "those events get a new version and revision."
        ),
    ] = False,
) -> PersonDeleteResult:
    row = await services.delete_person(info.context.viewer, slug, force=force, version=version)
    return PersonDeleteSuccess(slug=row.slug)
