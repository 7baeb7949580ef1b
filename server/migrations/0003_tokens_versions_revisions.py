import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from server.auth.viewer import Role
from server.content.models import RevisionAction


class Migration(migrations.Migration):
    dependencies = [("models", "0002_transcripts_and_index_outbox")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(unique=True, max_length=100)),
                (
                    "role",
                    fields.CharEnumField(
                        description="ANONYMOUS: anonymous\nEDITOR: editor\nADMIN: admin",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("prefix", fields.CharField(max_length=16)),
                ("created_by", fields.CharField(default="", max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "api_token",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A credential for scripts and editors, with the role it grants.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventRevision",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("event_id", fields.IntField(db_index=True)),
                ("event_slug", fields.CharField(max_length=100)),
                ("number", fields.IntField()),
                (
                    "action",
                    fields.CharEnumField(
                        description="CREATE: create\nUPDATE: update\nPUBLISH: publish\nUNPUBLISH: unpublish\nDELETE: delete\nRESTORE: restore",
                        enum_type=RevisionAction,
                        max_length=16,
                    ),
                ),
                ("actor", fields.CharField(max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "snapshot",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "event_revision",
                "app": "models",
                "unique_together": (("event_id", "number"),),
                "pk_attr": "id",
                "table_description": "One change to an event: who made it, when, and the event as it was afterwards.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Committee",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Event",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Organisation",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Person",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Recording",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Topic",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
    ]
