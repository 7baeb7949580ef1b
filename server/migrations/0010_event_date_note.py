from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from server.content.models import DateCertainty

# An event's dates may be stated by the source, inferred, or disputed, with a short
# public note saying why. Existing events keep what they were shown as: stated.


class Migration(migrations.Migration):
    dependencies = [("models", "0009_scheduled_publishing")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Event",
            name="date_certainty",
            field=fields.CharEnumField(
                default=DateCertainty.STATED,
                description="STATED: STATED\nINFERRED: INFERRED\nDISPUTED: DISPUTED",
                enum_type=DateCertainty,
                max_length=16,
            ),
        ),
        ops.AddField(
            model_name="Event",
            name="date_note",
            field=fields.CharField(null=True, max_length=500),
        ),
    ]
