"""Webhook subscriptions, and the delivery outbox that the worker drains."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class DeliveryStatus(str, Enum):
    """Where a delivery stands: waiting (or retrying), received, or given up on."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookSubscription(Model):
    """A URL that is told about the content changes it asks for, signed with its secret.

    The secret must be kept as it is (a signature needs it, a hash would not do); the
    API shows it once, when the subscription is created, and never again.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    url = fields.CharField(max_length=2000)
    events: list[str] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=100)
    enabled = fields.BooleanField(default=True)
    disabled_reason = fields.TextField(null=True)
    disabled_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    deliveries: fields.ReverseRelation[WebhookDelivery]

    class Meta:
        table = "webhook_subscription"

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class WebhookDelivery(Model):
    """One change to tell one subscription about: the body to POST, and how trying went.

    Recorded in the transaction of the change itself. The worker delivers a pending
    delivery only when no earlier one for the same subscription and object is still
    pending (`object_key`), so each receiver learns of an object's changes in order.
    """

    id = fields.IntField(primary_key=True)
    delivery_id = fields.CharField(max_length=36, unique=True)
    subscription: fields.ForeignKeyRelation[WebhookSubscription] = fields.ForeignKeyField(
        "models.WebhookSubscription", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_type = fields.CharField(max_length=40)
    object_key = fields.CharField(max_length=140)
    body = fields.TextField()
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=36, null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.TextField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    subscription_id: int

    class Meta:
        table = "webhook_delivery"
        indexes = (("status", "subscription_id", "object_key", "id"), ("claim_token",))

    def __str__(self) -> str:
        return f"{self.event_type} {self.object_key} ({self.status.value})"
