"""Fixtures for the seed tests: a scratch copy of seeds/, row counts and the `cms` command."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.cli import main
from server.content.models import (
    Committee,
    CommitteeMember,
    Event,
    EventOrganisation,
    EventSession,
    EventTopic,
    Organisation,
    Participation,
    Person,
    PersonAffiliation,
    Recording,
    Topic,
)
from server.database import Database

CONTENT_MODELS = (
    Recording,
    EventOrganisation,
    EventTopic,
    Participation,
    EventSession,
    CommitteeMember,
    Event,
    PersonAffiliation,
    Person,
    Committee,
    Organisation,
    Topic,
)
"""Every content model, children before the rows they hang off."""


async def row_counts() -> dict[str, int]:
    """How many rows each content table holds."""
    return {model.__name__: await model.all().count() for model in CONTENT_MODELS}


async def empty_database() -> None:
    """Deletes every content row, as if the database were freshly migrated."""
    for model in CONTENT_MODELS:
        await model.all().delete()


def seed_files(root: Path) -> dict[str, bytes]:
    """Every seed file under `root` (not the README), by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "README.md"
    }


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replaces `old` by `new` in the file, insisting that `old` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


CmsRunner = Callable[..., Awaitable[Result]]


@pytest.fixture
def cms(db: Database) -> CmsRunner:
    """Runs `cms ARGS...` against the test database and returns click's result.

    The command runs `asyncio.run` itself, so it runs on a worker thread: a fresh
    thread starts with no Tortoise context, so the command's connections never touch
    the test's own.
    """

    async def run(*args: str, database_url: str | None = None) -> Result:
        invoke = partial(
            CliRunner().invoke,
            main,
            list(args),
            env={"DATABASE_URL": database_url or db.url},
            catch_exceptions=False,
        )
        return await asyncio.get_running_loop().run_in_executor(None, invoke)

    return run
