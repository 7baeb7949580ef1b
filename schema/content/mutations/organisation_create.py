"""createOrganisation: a new organisation people belong to or that partners on events."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.types import Organisation
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(description="A new organisation.")
class OrganisationCreateInput:
    slug: str = strawberry.field(
        description="A unique, URL-safe name: lowercase letters and digits joined by hyphens."
    )
    name: str = strawberry.field(description="The organisation's name.")
    url: str | None = strawberry.field(
        default=None, description="The organisation's website, an http(s) URL."
    )

    def to_input(self) -> services.OrganisationInput:
        return services.OrganisationInput(slug=self.slug, name=self.name, url=self.url)


@strawberry.type(description="The organisation was created.")
class OrganisationCreateSuccess:
    organisation: Organisation = strawberry.field(description="The new organisation.")


OrganisationCreateResult = Annotated[
    OrganisationCreateSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "OrganisationCreateResult", description="The new organisation, or why there is none."
    ),
]


@strawberry.mutation(description="Create an organisation; editors only.")
async def create_organisation(
    info: strawberry.Info[Context],
    input: Annotated[
        OrganisationCreateInput, strawberry.argument(description="The organisation to create.")
    ],
) -> OrganisationCreateResult:
    row = await services.create_organisation(info.context.viewer, input.to_input())
    return OrganisationCreateSuccess(organisation=Organisation.from_row(row))
