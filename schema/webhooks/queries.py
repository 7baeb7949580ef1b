"""The root query fields for webhooks, which only admins may read."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from schema.context import Context
from schema.pagination import NestedFirst, nested_limit
from schema.webhooks.types import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from server.content.errors import NotFound, PermissionDenied
from server.webhooks import subscriptions


def _refused(error: Exception) -> GraphQLError:
    code = "FORBIDDEN" if isinstance(error, PermissionDenied) else "NOT_FOUND"
    return GraphQLError(str(error), extensions={"code": code})


@strawberry.type(description="Webhook subscriptions and their delivery log, for admins.")
class WebhookQuery:
    @strawberry.field(
        description="Every webhook subscription, by name; admins only (anyone else gets a "
        "FORBIDDEN error). Secrets are never shown."
    )
    async def webhook_subscriptions(
        self, info: strawberry.Info[Context]
    ) -> list[WebhookSubscription]:
        try:
            rows = await subscriptions.list_subscriptions(info.context.viewer)
        except PermissionDenied as error:
            raise _refused(error) from error
        return [WebhookSubscription.from_row(row) for row in rows]

    @strawberry.field(
        description="The webhook delivery log, newest first; admins only (anyone else gets a "
        "FORBIDDEN error)."
    )
    async def webhook_deliveries(
        self,
        info: strawberry.Info[Context],
        subscription: Annotated[
            str | None, strawberry.argument(description="Only this subscription's deliveries.")
        ] = None,
        status: Annotated[
            WebhookDeliveryStatus | None,
            strawberry.argument(description="Only deliveries with this status."),
        ] = None,
        first: NestedFirst = None,
    ) -> list[WebhookDelivery]:
        wanted = status.to_status() if status is not None else None
        limit = nested_limit(info.context.settings, first)
        try:
            rows = await subscriptions.deliveries(info.context.viewer, subscription, wanted, limit)
        except (PermissionDenied, NotFound) as error:
            raise _refused(error) from error
        return [WebhookDelivery.from_row(row) for row in rows]
