"""updateOrganisation: change an organisation's name, website or slug."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import VERSION_DESCRIPTION, keep, text
from schema.content.types import Organisation
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(
    description="Changes to an organisation; fields left out keep their value, null clears one."
)
class OrganisationUpdateInput:
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new slug, which must be free."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    url: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new website (an http(s) URL), or null for none."
    )

    def to_patch(self) -> services.OrganisationPatch:
        return services.OrganisationPatch(
            slug=text(self.slug), name=text(self.name), url=keep(self.url)
        )


@strawberry.type(description="The organisation was changed (or already was as asked).")
class OrganisationUpdateSuccess:
    organisation: Organisation = strawberry.field(description="The organisation as it is now.")


OrganisationUpdateResult = Annotated[
    OrganisationUpdateSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "OrganisationUpdateResult", description="The changed organisation, or why it is not."
    ),
]


@strawberry.mutation(description="Change an organisation; editors only.")
async def update_organisation(
    info: strawberry.Info[Context],
    slug: Annotated[
        str, strawberry.argument(description="The slug of the organisation to change.")
    ],
    input: Annotated[OrganisationUpdateInput, strawberry.argument(description="What to change.")],
) -> OrganisationUpdateResult:
    row = await services.update_organisation(
        info.context.viewer, slug, input.to_patch(), version=input.version
    )
    return OrganisationUpdateSuccess(organisation=Organisation.from_row(row))
