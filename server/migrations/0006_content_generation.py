from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

from server.content import generation

# The content generation (server/content/generation.py): a row every committed write
# advances, by triggers, so cached answers can tell whether content changed.


async def _install(apps: Any, schema_editor: Any) -> None:
    dialect = schema_editor.client.capabilities.dialect
    for statement in generation.install_statements(dialect):
        await schema_editor.client.execute_script(statement)


async def _uninstall(apps: Any, schema_editor: Any) -> None:
    dialect = schema_editor.client.capabilities.dialect
    for statement in generation.uninstall_statements(dialect):
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_index_marker_pending")]

    initial = False

    operations = [ops.RunPython(_install, _uninstall)]
