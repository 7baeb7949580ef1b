"""createPreviewToken: a short-lived token with which a frontend reads one draft event."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from schema.content.types import Event
from schema.context import Context
from schema.errors import NotFoundError, PermissionDeniedError, ValidationError
from server.auth import previews


@strawberry.type(description="A preview token for a draft event.")
class PreviewTokenCreateSuccess:
    token: str = strawberry.field(
        description="Send it as the `X-Preview-Token` header to read this draft (and the "
        "public content) without any other credential. It stops working when it expires, "
        "or once the event is published or deleted."
    )
    expires_at: datetime = strawberry.field(description="When the token stops working.")
    event: Event = strawberry.field(description="The draft it previews.")


PreviewTokenCreateResult = Annotated[
    PreviewTokenCreateSuccess | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "PreviewTokenCreateResult", description="The preview token, or why there is none."
    ),
]


@strawberry.mutation(
    description="A token for a frontend to preview one draft event; editors only. "
    "A published event needs none."
)
async def create_preview_token(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the draft to preview.")],
) -> PreviewTokenCreateResult:
    made = await previews.create_preview_token(info.context.viewer, info.context.settings, slug)
    return PreviewTokenCreateSuccess(
        token=made.token, expires_at=made.expires_at, event=Event.from_row(made.event)
    )
