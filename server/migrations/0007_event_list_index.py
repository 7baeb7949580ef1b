from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Lists of events are ordered by date and then id (server/content/queries/event_rows.py).
# With the id in the index, a page is read in index order, with no sort of every
# matching event first.


class Migration(migrations.Migration):
    dependencies = [("models", "0006_content_generation")]

    initial = False

    operations = [
        ops.AddIndex(model_name="Event", index=Index(fields=["status", "start_date", "id"])),
        ops.RemoveIndex(model_name="Event", fields=["status", "start_date"]),
    ]
