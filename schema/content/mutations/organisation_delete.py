"""deleteOrganisation: delete an organisation nobody and no event names."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The organisation was deleted.")
class OrganisationDeleteSuccess:
    slug: str = strawberry.field(description="The slug the deleted organisation had.")


OrganisationDeleteResult = Annotated[
    OrganisationDeleteSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "OrganisationDeleteResult", description="The deleted organisation, or why it is not."
    ),
]


@strawberry.mutation(
    description="Delete an organisation; editors only. One still named in an affiliation "
    "or by an event is refused (ValidationError, code IN_USE)."
)
async def delete_organisation(
    info: strawberry.Info[Context],
    slug: Annotated[
        str, strawberry.argument(description="The slug of the organisation to delete.")
    ],
    version: Version,
) -> OrganisationDeleteResult:
    row = await services.delete_organisation(info.context.viewer, slug, version=version)
    return OrganisationDeleteSuccess(slug=row.slug)
