"""Fixtures for the seed tests: a scratch copy of seeds/, row counts and the `cms` command."""

from __future__ import annotations

from pathlib import Path

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
    Transcript,
    TranscriptSegment,
)

CONTENT_MODELS = (
    TranscriptSegment,
    Transcript,
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


from tests.conftest import CmsRunner  # noqa: F401 - re-exported for the seed tests
