"""Webhook subscriptions and deliveries as GraphQL types: never the secret, except once in
the result that creates the subscription."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from schema.errors import NotFoundError, PermissionDeniedError, ValidationError
from server.webhooks import models


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = models.DeliveryStatus.PENDING.value
    DELIVERED = models.DeliveryStatus.DELIVERED.value
    FAILED = models.DeliveryStatus.FAILED.value

    def to_status(self) -> models.DeliveryStatus:
        return models.DeliveryStatus(self.value)


@strawberry.type(description="A URL told about the content changes it asks for, with signed POSTs.")
class WebhookSubscription:
    name: str = strawberry.field(description="The subscription's unique name.")
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    events: list[str] = strawberry.field(
        description="The event types it asks for, such as `event.published`; `*` is all."
    )
    enabled: bool = strawberry.field(
        description="Whether changes are delivered; false after deliveries kept failing."
    )
    disabled_reason: str | None = strawberry.field(
        description="Why the subscription was disabled; null while it is enabled."
    )
    disabled_at: datetime | None = strawberry.field(description="When it was disabled.")
    created_by: str = strawberry.field(description="Who created it.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def from_row(cls, row: models.WebhookSubscription) -> WebhookSubscription:
        return cls(
            name=row.name,
            url=row.url,
            events=list(row.events),
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            disabled_at=row.disabled_at,
            created_by=row.created_by,
            created_at=row.created_at,
        )


@strawberry.type(description="One change told to one subscription, and how sending it went.")
class WebhookDelivery:
    delivery_id: str = strawberry.field(
        description="The delivery's id, sent as `X-Webhook-Id`; the same on every attempt."
    )
    subscription: str = strawberry.field(description="The subscription's name.")
    event_type: str = strawberry.field(description="Such as `event.published`.")
    status: WebhookDeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempts: int = strawberry.field(description="How many times it was sent.")
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null if there was no answer."
    )
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    last_attempt_at: datetime | None = strawberry.field(description="When it was last sent.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is sent again, while pending after a failure."
    )
    delivered_at: datetime | None = strawberry.field(description="When the receiver took it.")
    created_at: datetime = strawberry.field(description="When the change was made.")
    payload: str = strawberry.field(description="The JSON body that is POSTed.")

    @classmethod
    def from_row(cls, row: models.WebhookDelivery) -> WebhookDelivery:
        return cls(
            delivery_id=row.delivery_id,
            subscription=row.subscription.name,
            event_type=row.event_type,
            status=WebhookDeliveryStatus(row.status.value),
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            last_attempt_at=row.last_attempt_at,
            next_attempt_at=row.next_attempt_at,
            delivered_at=row.delivered_at,
            created_at=row.created_at,
            payload=row.body,
        )


@strawberry.input(description="A new webhook subscription.")
class WebhookSubscriptionCreateInput:
    name: str = strawberry.field(description="A unique name for it.")
    url: str = strawberry.field(description="An http(s) URL on a public address.")
    events: list[str] = strawberry.field(
        description="Event types such as `event.published` or `person.updated`; `*` is all."
    )


@strawberry.type(
    description="The subscription was created; copy its secret now, it is never shown again."
)
class WebhookSubscriptionCreateSuccess:
    subscription: WebhookSubscription = strawberry.field(description="The new subscription.")
    secret: str = strawberry.field(
        description="The key of the deliveries' `X-Webhook-Signature`; shown only here."
    )


@strawberry.type(description="The subscription, after the change.")
class WebhookSubscriptionSuccess:
    subscription: WebhookSubscription = strawberry.field(description="The subscription.")


@strawberry.type(description="The test delivery was received (a 2xx answer).")
class WebhookTestSuccess:
    delivery: WebhookDelivery = strawberry.field(description="The test delivery, as logged.")


@strawberry.type(description="The test delivery was not received; the log says why.")
class WebhookDeliveryFailedError:
    message: str = strawberry.field(description="Why: the HTTP status, or the error.")
    delivery: WebhookDelivery = strawberry.field(description="The test delivery, as logged.")


WebhookSubscriptionCreateResult = Annotated[
    WebhookSubscriptionCreateSuccess | ValidationError | PermissionDeniedError,
    strawberry.union(
        "WebhookSubscriptionCreateResult", description="The new subscription, or why there is none."
    ),
]
WebhookSubscriptionResult = Annotated[
    WebhookSubscriptionSuccess | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "WebhookSubscriptionResult", description="The subscription, or why it was not changed."
    ),
]
WebhookTestResult = Annotated[
    WebhookTestSuccess | WebhookDeliveryFailedError | NotFoundError | PermissionDeniedError,
    strawberry.union("WebhookTestResult", description="How the test delivery went."),
]
