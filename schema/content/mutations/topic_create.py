"""createTopic: a new topic events can be tagged with."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.types import Topic
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(description="A new topic.")
class TopicCreateInput:
    slug: str = strawberry.field(
        description="A unique, URL-safe name: lowercase letters and digits joined by hyphens."
    )
    name: str = strawberry.field(description="The topic's name.")

    def to_input(self) -> services.TopicInput:
        return services.TopicInput(slug=self.slug, name=self.name)


@strawberry.type(description="The topic was created.")
class TopicCreateSuccess:
    topic: Topic = strawberry.field(description="The new topic.")


TopicCreateResult = Annotated[
    TopicCreateSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("TopicCreateResult", description="The new topic, or why there is none."),
]


@strawberry.mutation(description="Create a topic; editors only.")
async def create_topic(
    info: strawberry.Info[Context],
    input: Annotated[TopicCreateInput, strawberry.argument(description="The topic to create.")],
) -> TopicCreateResult:
    row = await services.create_topic(info.context.viewer, input.to_input())
    return TopicCreateSuccess(topic=Topic.from_row(row))
