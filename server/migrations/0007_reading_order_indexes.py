from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Lists of events are ordered by date and then id (server/content/queries/event_rows.py).
# With the id in the index, a page is read in index order, with no sort of every
# matching event first. An event's sessions, participations, topics, partners and
# recordings are read in the order editors gave (event, position): indexed so, each
# event's list is read in order rather than sorted, and its recordings found without
# a scan of every recording.

_IN_ORDER = {
    "EventSession": ["event_id", "position", "date"],
    "Participation": ["event_id", "position"],
    "EventTopic": ["event_id", "position"],
    "EventOrganisation": ["event_id", "position"],
    "Recording": ["event_id", "position"],
}


class Migration(migrations.Migration):
    dependencies = [("models", "0006_content_generation")]

    initial = False

    operations = [
        ops.AddIndex(model_name="Event", index=Index(fields=["status", "start_date", "id"])),
        ops.RemoveIndex(model_name="Event", fields=["status", "start_date"]),
        *(
            ops.AddIndex(model_name=model, index=Index(fields=columns))
            for model, columns in _IN_ORDER.items()
        ),
    ]
