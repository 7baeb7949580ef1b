"""createPerson: someone who speaks at, hosts or otherwise takes part in events."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import AffiliationInput, LinkInput
from schema.content.types import Person
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(description="A new person.")
class PersonCreateInput:
    slug: str = strawberry.field(
        description="A unique, URL-safe name: lowercase letters and digits joined by hyphens."
    )
    name: str = strawberry.field(description="The person's name.")
    bio: str = strawberry.field(default="", description="A short biography.")
    affiliations: list[AffiliationInput] = strawberry.field(
        default_factory=list, description="Their titles and organisations, in display order."
    )
    links: list[LinkInput] = strawberry.field(
        default_factory=list, description="Links about them, in display order."
    )

    def to_input(self) -> services.PersonInput:
        return services.PersonInput(
            slug=self.slug,
            name=self.name,
            bio=self.bio,
            affiliations=[a.to_service() for a in self.affiliations],
            links=[link.to_service() for link in self.links],
        )


@strawberry.type(description="The person was created.")
class PersonCreateSuccess:
    person: Person = strawberry.field(description="The new person.")


PersonCreateResult = Annotated[
    PersonCreateSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("PersonCreateResult", description="The new person, or why there is none."),
]


@strawberry.mutation(description="Create a person; editors only.")
async def create_person(
    info: strawberry.Info[Context],
    input: Annotated[PersonCreateInput, strawberry.argument(description="The person to create.")],
) -> PersonCreateResult:
    row = await services.create_person(info.context.viewer, input.to_input())
    return PersonCreateSuccess(person=Person.from_row(row))
