"""deleteTopic: delete a topic no event is tagged with."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The topic was deleted.")
class TopicDeleteSuccess:
    slug: str = strawberry.field(description="The slug the deleted topic had.")


TopicDeleteResult = Annotated[
    TopicDeleteSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("TopicDeleteResult", description="The deleted topic, or why it is not."),
]


@strawberry.mutation(
    description="Delete a topic; editors only. A topic events are still tagged with is "
    "refused (ValidationError, code IN_USE)."
)
async def delete_topic(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the topic to delete.")],
    version: Version,
) -> TopicDeleteResult:
    row = await services.delete_topic(info.context.viewer, slug, version=version)
    return TopicDeleteSuccess(slug=row.slug)
