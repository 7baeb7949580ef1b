from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.webhooks.models import DeliveryStatus


class Migration(migrations.Migration):
    dependencies = [("models", "0007_reading_order_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="WebhookSubscription",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(unique=True, max_length=100)),
                ("url", fields.CharField(max_length=2000)),
                ("events", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("secret", fields.CharField(max_length=100)),
                ("enabled", fields.BooleanField(default=True)),
                ("disabled_reason", fields.TextField(null=True, unique=False)),
                (
                    "disabled_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_by", fields.CharField(default="", max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "webhook_subscription",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A URL that is told about the content changes it asks for, signed with its secret.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("delivery_id", fields.CharField(unique=True, max_length=36)),
                (
                    "subscription",
                    fields.ForeignKeyField(
                        "models.WebhookSubscription",
                        source_field="subscription_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("event_type", fields.CharField(max_length=40)),
                ("object_key", fields.CharField(max_length=140)),
                ("body", fields.TextField(unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=DeliveryStatus.PENDING,
                        description="PENDING: pending\nDELIVERED: delivered\nFAILED: failed",
                        enum_type=DeliveryStatus,
                        max_length=16,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "next_attempt_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "claimed_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("claim_token", fields.CharField(null=True, max_length=36)),
                (
                    "last_attempt_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_status_code", fields.IntField(null=True)),
                ("last_error", fields.TextField(null=True, unique=False)),
                (
                    "delivered_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "webhook_delivery",
                "app": "models",
                "indexes": [
                    Index(fields=["status", "subscription_id", "object_key", "id"]),
                    Index(fields=["claim_token"]),
                ],
                "pk_attr": "id",
                "table_description": "One change to tell one subscription about: the body to POST, and how trying went.",
            },
            bases=["Model"],
        ),
    ]
