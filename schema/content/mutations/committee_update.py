"""updateCommittee: change a committee's name, description, members or slug."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import VERSION_DESCRIPTION, CommitteeMemberInput, items, text
from schema.content.types import Committee
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(
    description="Changes to a committee; fields left out keep their value, a members list "
    "given replaces the stored one."
)
class CommitteeUpdateInput:
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new slug, which must be free."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new description."
    )
    members: list[CommitteeMemberInput] | None = strawberry.field(
        default=strawberry.UNSET, description="All its members, in display order."
    )

    def to_patch(self) -> services.CommitteePatch:
        return services.CommitteePatch(
            slug=text(self.slug),
            name=text(self.name),
            description=text(self.description),
            members=items(self.members, CommitteeMemberInput.to_service),
        )


@strawberry.type(description="The committee was changed (or already was as asked).")
class CommitteeUpdateSuccess:
    committee: Committee = strawberry.field(description="The committee as it is now.")


CommitteeUpdateResult = Annotated[
    CommitteeUpdateSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "CommitteeUpdateResult", description="The changed committee, or why it is not."
    ),
]


@strawberry.mutation(description="Change a committee; editors only.")
async def update_committee(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the committee to change.")],
    input: Annotated[CommitteeUpdateInput, strawberry.argument(description="What to change.")],
) -> CommitteeUpdateResult:
    row = await services.update_committee(
        info.context.viewer, slug, input.to_patch(), version=input.version
    )
    return CommitteeUpdateSuccess(committee=Committee.from_row(row))
