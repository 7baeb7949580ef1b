from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Scheduled publishing (server/content/scheduling.py): when a draft is to be published
# and when a published event is to be taken down. The scheduler looks for due events
# by each time, so each is indexed.


class Migration(migrations.Migration):
    dependencies = [("models", "0008_webhooks")]

    initial = False

    operations = [
        ops.AddField(model_name="Event", name="publish_at", field=fields.DatetimeField(null=True)),
        ops.AddField(
            model_name="Event", name="unpublish_at", field=fields.DatetimeField(null=True)
        ),
        ops.AddIndex(model_name="Event", index=Index(fields=["publish_at"])),
        ops.AddIndex(model_name="Event", index=Index(fields=["unpublish_at"])),
    ]
