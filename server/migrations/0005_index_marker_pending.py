from tortoise import migrations
from tortoise.migrations import operations as ops

# A partial index holds only the pending markers, so the queries that look for them
# (every search's withheld set, the backlog) read a handful of rows, not the whole table.
# SQLite and PostgreSQL both accept this statement as it is.


class Migration(migrations.Migration):
    dependencies = [("models", "0004_transcript_segment_cue_id")]

    initial = False

    operations = [
        ops.RunSQL(
            'CREATE INDEX "index_marker_pending" ON "index_marker" ("kind", "object_id") '
            'WHERE "generation" > "synced_generation"',
            reverse_sql='DROP INDEX "index_marker_pending"',
        ),
    ]
