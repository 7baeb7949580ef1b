from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.indexing.models import IndexKind


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="IndexMarker",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="EVENT: event\nPERSON: person",
                        enum_type=IndexKind,
                        max_length=16,
                    ),
                ),
                ("object_id", fields.IntField()),
                ("generation", fields.IntField(default=1)),
                ("synced_generation", fields.IntField(default=0)),
                ("dirtied_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "pending_since",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("attempts", fields.IntField(default=0)),
                (
                    "next_attempt_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "claimed_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_error", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "index_marker",
                "app": "models",
                "unique_together": (("kind", "object_id"),),
                "indexes": [Index(fields=["synced_generation", "generation"])],
                "pk_attr": "id",
                "table_description": "Says that the search documents of one object must be rebuilt from the database.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Transcript",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "recording",
                    fields.OneToOneField(
                        "models.Recording",
                        source_field="recording_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="transcript",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("language", fields.CharField(default="en", max_length=35)),
                ("source_name", fields.CharField(default="", max_length=300)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "transcript",
                "app": "models",
                "pk_attr": "id",
                "table_description": "The timed text of one recording, in one language.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TranscriptSegment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "transcript",
                    fields.ForeignKeyField(
                        "models.Transcript",
                        source_field="transcript_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="segments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                ("start_ms", fields.IntField()),
                ("end_ms", fields.IntField()),
                ("text", fields.TextField(unique=False)),
                (
                    "speaker",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="speaker_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="transcript_segments",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("speaker_label", fields.CharField(null=True, max_length=200)),
            ],
            options={
                "table": "transcript_segment",
                "app": "models",
                "unique_together": (("transcript", "position"),),
                "pk_attr": "id",
                "table_description": "One cue of a transcript: what was said between two moments, and by whom.",
            },
            bases=["Model"],
        ),
    ]
