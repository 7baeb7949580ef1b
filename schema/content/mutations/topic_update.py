"""updateTopic: rename a topic, or change its slug."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import VERSION_DESCRIPTION, text
from schema.content.types import Topic
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(description="Changes to a topic; fields left out keep their value.")
class TopicUpdateInput:
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new slug, which must be free."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")

    def to_patch(self) -> services.TopicPatch:
        return services.TopicPatch(slug=text(self.slug), name=text(self.name))


@strawberry.type(description="The topic was changed (or already was as asked).")
class TopicUpdateSuccess:
    topic: Topic = strawberry.field(description="The topic as it is now.")


TopicUpdateResult = Annotated[
    TopicUpdateSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("TopicUpdateResult", description="The changed topic, or why it is not."),
]


@strawberry.mutation(description="Change a topic; editors only.")
async def update_topic(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the topic to change.")],
    input: Annotated[TopicUpdateInput, strawberry.argument(description="What to change.")],
) -> TopicUpdateResult:
    row = await services.update_topic(
        info.context.viewer, slug, input.to_patch(), version=input.version
    )
    return TopicUpdateSuccess(topic=Topic.from_row(row))
