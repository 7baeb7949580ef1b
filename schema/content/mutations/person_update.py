"""updatePerson: change a person's name, biography, affiliations, links or slug."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import VERSION_DESCRIPTION, AffiliationInput, LinkInput, items, text
from schema.content.types import Person
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(
    description="Changes to a person; fields left out keep their value, lists given replace "
    "the stored ones."
)
class PersonUpdateInput:
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new slug, which must be free."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    bio: str | None = strawberry.field(default=strawberry.UNSET, description="A new biography.")
    affiliations: list[AffiliationInput] | None = strawberry.field(
        default=strawberry.UNSET, description="All their affiliations, in display order."
    )
    links: list[LinkInput] | None = strawberry.field(
        default=strawberry.UNSET, description="All their links, in display order."
    )

    def to_patch(self) -> services.PersonPatch:
        return services.PersonPatch(
            slug=text(self.slug),
            name=text(self.name),
            bio=text(self.bio),
            affiliations=items(self.affiliations, AffiliationInput.to_service),
            links=items(self.links, LinkInput.to_service),
        )


@strawberry.type(description="The person was changed (or already was as asked).")
class PersonUpdateSuccess:
    person: Person = strawberry.field(description="The person as they are now.")


PersonUpdateResult = Annotated[
    PersonUpdateSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("PersonUpdateResult", description="The changed person, or why they are not."),
]


@strawberry.mutation(description="Change a person; editors only.")
async def update_person(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the person to change.")],
    input: Annotated[PersonUpdateInput, strawberry.argument(description="What to change.")],
) -> PersonUpdateResult:
    row = await services.update_person(
        info.context.viewer, slug, input.to_patch(), version=input.version
    )
    return PersonUpdateSuccess(person=Person.from_row(row))
