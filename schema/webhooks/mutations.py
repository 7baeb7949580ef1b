"""The root mutations for webhooks: admins create, remove, enable and test subscriptions.

Domain errors become union members through `schema.errors.ERROR_HANDLERS`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Context
from schema.webhooks.types import (
    WebhookDelivery,
    WebhookDeliveryFailedError,
    WebhookSubscription,
    WebhookSubscriptionCreateInput,
    WebhookSubscriptionCreateResult,
    WebhookSubscriptionCreateSuccess,
    WebhookSubscriptionResult,
    WebhookSubscriptionSuccess,
    WebhookTestResult,
    WebhookTestSuccess,
)
from server.webhooks import subscriptions
from server.webhooks.targets import TargetPolicy

Name = Annotated[str, strawberry.argument(description="The subscription's name.")]


@strawberry.type(description="Managing webhook subscriptions, for admins.")
class WebhookMutation:
    @strawberry.mutation(
        description="Subscribe a URL to content changes; the result carries the signing "
        "secret, which is never shown again."
    )
    async def create_webhook_subscription(
        self,
        info: strawberry.Info[Context],
        input: Annotated[
            WebhookSubscriptionCreateInput,
            strawberry.argument(description="The subscription's name, URL and event types."),
        ],
    ) -> WebhookSubscriptionCreateResult:
        policy = TargetPolicy.from_settings(info.context.settings)
        new = await subscriptions.create_subscription(
            info.context.viewer, input.name, input.url, input.events, policy
        )
        return WebhookSubscriptionCreateSuccess(
            subscription=WebhookSubscription.from_row(new.subscription), secret=new.secret
        )

    @strawberry.mutation(description="Remove a subscription and its delivery log.")
    async def remove_webhook_subscription(
        self, info: strawberry.Info[Context], name: Name
    ) -> WebhookSubscriptionResult:
        row = await subscriptions.remove_subscription(info.context.viewer, name)
        return WebhookSubscriptionSuccess(subscription=WebhookSubscription.from_row(row))

    @strawberry.mutation(
        description="Enable a subscription that was disabled; what was pending is delivered."
    )
    async def enable_webhook_subscription(
        self, info: strawberry.Info[Context], name: Name
    ) -> WebhookSubscriptionResult:
        row = await subscriptions.enable_subscription(info.context.viewer, name)
        return WebhookSubscriptionSuccess(subscription=WebhookSubscription.from_row(row))

    @strawberry.mutation(description="Send a subscription a signed `webhook.test` delivery now.")
    async def test_webhook_subscription(
        self, info: strawberry.Info[Context], name: Name
    ) -> WebhookTestResult:
        from server.webhooks.sending import Sender  # see server.webhooks.worker.webhook_worker

        settings = info.context.settings
        sender = Sender(TargetPolicy.from_settings(settings), settings.webhook_timeout_seconds)
        try:
            row, attempt = await subscriptions.test_subscription(info.context.viewer, name, sender)
        finally:
            await sender.aclose()
        delivery = WebhookDelivery.from_row(row)
        if attempt.error is not None:
            return WebhookDeliveryFailedError(message=attempt.error, delivery=delivery)
        return WebhookTestSuccess(delivery=delivery)
