"""createCommittee: a committee of the organisation, which runs events."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import CommitteeMemberInput
from schema.content.types import Committee
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(description="A new committee.")
class CommitteeCreateInput:
    slug: str = strawberry.field(
        description="A unique, URL-safe name: lowercase letters and digits joined by hyphens."
    )
    name: str = strawberry.field(description="The committee's name.")
    description: str = strawberry.field(default="", description="What the committee does.")
    members: list[CommitteeMemberInput] = strawberry.field(
        default_factory=list, description="Its members, in display order."
    )

    def to_input(self) -> services.CommitteeInput:
        return services.CommitteeInput(
            slug=self.slug,
            name=self.name,
            description=self.description,
            members=[m.to_service() for m in self.members],
        )


@strawberry.type(description="The committee was created.")
class CommitteeCreateSuccess:
    committee: Committee = strawberry.field(description="The new committee.")


CommitteeCreateResult = Annotated[
    CommitteeCreateSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "CommitteeCreateResult", description="The new committee, or why there is none."
    ),
]


@strawberry.mutation(description="Create a committee; editors only.")
async def create_committee(
    info: strawberry.Info[Context],
    input: Annotated[
        CommitteeCreateInput, strawberry.argument(description="The committee to create.")
    ],
) -> CommitteeCreateResult:
    row = await services.create_committee(info.context.viewer, input.to_input())
    return CommitteeCreateSuccess(committee=Committee.from_row(row))
