from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0003_tokens_versions_revisions")]

    initial = False

    operations = [
        ops.AddField(
            model_name="TranscriptSegment",
            name="cue_id",
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
