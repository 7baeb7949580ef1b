import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.content.models import EventFormat, EventStatus, ParticipantRole, Platform


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Committee",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "committee",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A committee of the organisation that runs events.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=100)),
                ("title", fields.CharField(max_length=300)),
                ("summary", fields.TextField(default="", unique=False)),
                ("body", fields.TextField(default="", unique=False)),
                ("outcomes", fields.TextField(null=True, unique=False)),
                ("editor_note", fields.TextField(null=True, unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=EventStatus.DRAFT,
                        description="DRAFT: DRAFT\nPUBLISHED: PUBLISHED",
                        enum_type=EventStatus,
                        max_length=16,
                    ),
                ),
                ("start_date", fields.DateField()),
                ("end_date", fields.DateField()),
                ("place", fields.CharField(null=True, max_length=300)),
                (
                    "format",
                    fields.CharEnumField(
                        null=True,
                        description="IN_PERSON: IN_PERSON\nONLINE: ONLINE\nHYBRID: HYBRID",
                        enum_type=EventFormat,
                        max_length=16,
                    ),
                ),
                (
                    "platform",
                    fields.CharEnumField(
                        null=True,
                        description="YOUTUBE: YOUTUBE\nINSTAGRAM: INSTAGRAM\nFACEBOOK: FACEBOOK\nZOOM: ZOOM\nOTHER: OTHER",
                        enum_type=Platform,
                        max_length=16,
                    ),
                ),
                (
                    "committee",
                    fields.ForeignKeyField(
                        "models.Committee",
                        source_field="committee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("image_src", fields.CharField(null=True, max_length=500)),
                ("image_alt", fields.CharField(null=True, max_length=300)),
                ("image_credit", fields.CharField(null=True, max_length=300)),
                ("image_credit_url", fields.CharField(null=True, max_length=500)),
                (
                    "published_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "event",
                "app": "models",
                "indexes": [Index(fields=["status", "start_date"])],
                "pk_attr": "id",
                "table_description": "An event: a panel, workshop, protest, campaign or broadcast.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventSession",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("date", fields.DateField()),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "event_session",
                "app": "models",
                "unique_together": (("event", "date"),),
                "pk_attr": "id",
                "table_description": "One dated session of an event (most events have exactly one).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("url", fields.CharField(null=True, max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "organisation",
                "app": "models",
                "pk_attr": "id",
                "table_description": "An organisation people belong to or that partners on events.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventOrganisation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="organisation_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="event_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("role", fields.CharField(default="partner", max_length=100)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "event_organisation",
                "app": "models",
                "unique_together": (("event", "organisation"),),
                "pk_attr": "id",
                "table_description": "A partner organisation of an event and the part it played.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("bio", fields.TextField(default="", unique=False)),
                (
                    "links",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "person",
                "app": "models",
                "pk_attr": "id",
                "table_description": "Someone who spoke at, hosted or otherwise took part in events.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CommitteeMember",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "committee",
                    fields.ForeignKeyField(
                        "models.Committee",
                        source_field="committee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("role", fields.CharField(max_length=100)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "committee_member",
                "app": "models",
                "unique_together": (("committee", "person"),),
                "pk_attr": "id",
                "table_description": "A person's seat on a committee, such as co-chair.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Participation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="participations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="participations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="SPEAKER: speaker\nPANELLIST: panellist\nHOST: host\nMODERATOR: moderator\nINTERVIEWEE: interviewee\nINTERVIEWER: interviewer\nINSTRUCTOR: instructor\nGUEST: guest\nPERFORMER: performer\nBENEFICIARY: beneficiary\nAUTHOR: author\nORGANISER: organiser",
                        enum_type=ParticipantRole,
                        max_length=32,
                    ),
                ),
                ("affiliation", fields.CharField(null=True, max_length=300)),
                ("session_date", fields.DateField(null=True)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "participation",
                "app": "models",
                "unique_together": (("event", "person", "role"),),
                "pk_attr": "id",
                "table_description": "A person's part in an event, under the affiliation they spoke with.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PersonAffiliation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="affiliations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="affiliations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(null=True, max_length=300)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "person_affiliation",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A title a person holds, optionally at an organisation.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Recording",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="recordings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=300)),
                (
                    "platform",
                    fields.CharEnumField(
                        null=True,
                        description="YOUTUBE: YOUTUBE\nINSTAGRAM: INSTAGRAM\nFACEBOOK: FACEBOOK\nZOOM: ZOOM\nOTHER: OTHER",
                        enum_type=Platform,
                        max_length=16,
                    ),
                ),
                ("url", fields.CharField(null=True, max_length=500)),
                ("position", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "recording",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A recording of (part of) an event, whose URL stays empty when unknown.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Topic",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "topic",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A subject events are tagged with.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventTopic",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="topic_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "topic",
                    fields.ForeignKeyField(
                        "models.Topic",
                        source_field="topic_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="event_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "event_topic",
                "app": "models",
                "unique_together": (("event", "topic"),),
                "pk_attr": "id",
                "table_description": "An event's topic, in the order editors list them.",
            },
            bases=["Model"],
        ),
    ]
