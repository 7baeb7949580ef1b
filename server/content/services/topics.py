"""Write services for topics."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from search import outbox
from server.auth.viewer import Viewer
from server.content.errors import FieldError, ValidationFailed
from server.content.models import Topic
from server.content.services.inputs import TopicInput
from server.content.services.validation import (
    Checker,
    SlugLookup,
    clean,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row


def normalise_topic(data: TopicInput) -> TopicInput:
    """The input with surrounding whitespace removed."""
    return replace(data, name=clean(data.name))


async def validate_topic(data: TopicInput, *, lookup: SlugLookup | None = None) -> list[FieldError]:
    """Every rule the topic breaks (it references nothing, so `lookup` is unused)."""
    data = normalise_topic(data)
    check = Checker()
    check.slug("slug", data.slug)
    check.text("name", data.name, max_length(Topic, "name"), required=True)
    return check.errors


async def upsert_topic(viewer: Viewer, data: TopicInput) -> tuple[Topic, Change]:
    """Creates the topic with this slug, or updates it to match `data`."""
    require_writer(viewer)
    data = normalise_topic(data)
    if errors := await validate_topic(data):
        raise ValidationFailed(errors)
    existing = await Topic.get_or_none(slug=data.slug)
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Topic, existing, {"slug": data.slug, "name": data.name})
        if change is not Change.UNCHANGED:
            await outbox.mark_topic_dependents(row.id)
    return row, change
