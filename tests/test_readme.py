"""The GraphQL examples in the README run against the real seed content without errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schema.api import build_schema
from schema.context import Context
from search.embedded import EmbeddedBackend
from search.service import SearchService
from search.worker import SyncWorker
from server.auth.viewer import ANONYMOUS
from server.content.models import Event
from server.database import Database
from server.seeding import seed_directory
from server.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_graphql_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
async def test_each_example_runs_without_errors(
    example: str, db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    await seed_directory(seeds_dir)
    settings = Settings(_env_file=None)
    backend = EmbeddedBackend(tmp_path / "search")
    await SyncWorker(backend).drain()
    # The node example names the first event's global ID, which depends on insertion order.
    first_id = (await Event.all().order_by("id").first()).id  # type: ignore[union-attr]  # seeded
    example = example.replace('"RXZlbnQ6MQ=="', f'"{_global_id("Event", first_id)}"')

    result = await build_schema(settings).execute(
        example, context_value=Context.for_request(ANONYMOUS, settings, SearchService(backend))
    )
    await backend.close()

    assert result.errors is None
    assert result.data and all(value for value in result.data.values())


def _global_id(type_name: str, pk: int) -> str:
    from strawberry.relay import to_base64

    return to_base64(type_name, pk)
