"""Write services for topics."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, ValidationFailed
from server.content.models import EventTopic, Topic
from server.content.services import editing
from server.content.services.inputs import TopicInput, TopicPatch, apply_patch
from server.content.services.stored import stored_topic
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row
from server.indexing import outbox
from server.webhooks import changes as webhooks
from server.webhooks.events import ObjectKind


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


async def _write_topic(
    viewer: Viewer,
    data: TopicInput,
    existing: Topic | None,
    lookup: DatabaseLookup,
    *,
    version: int | None = None,
) -> tuple[Topic, Change]:
    slug_before = existing.slug if existing is not None else None
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(
            Topic, existing, {"slug": data.slug, "name": data.name}, version=version
        )
        if change is not Change.UNCHANGED:
            await outbox.mark_topic_dependents(row.id)
            await webhooks.directory_written(
                ObjectKind.TOPIC, row, change is Change.CREATED, slug_before
            )
    return row, change


TOPICS = editing.Editable(
    model=Topic,
    noun="topic",
    normalise=normalise_topic,
    validate=validate_topic,
    stored=stored_topic,
    write=_write_topic,
)


async def upsert_topic(viewer: Viewer, data: TopicInput) -> tuple[Topic, Change]:
    """Creates the topic with this slug, or updates it to match `data`."""
    return await editing.upsert(viewer, TOPICS, data)


async def create_topic(viewer: Viewer, data: TopicInput) -> Topic:
    """Creates a new topic; its slug must be free."""
    return await editing.create(viewer, TOPICS, data)


async def update_topic(viewer: Viewer, slug: str, patch: TopicPatch, *, version: int) -> Topic:
    """Changes the topic with this slug, if it is still at `version`."""
    return await editing.update(
        viewer, TOPICS, slug, lambda current: apply_patch(current, patch), version=version
    )


async def delete_topic(viewer: Viewer, slug: str, *, version: int | None = None) -> Topic:
    """Deletes the topic with this slug; a topic events are still tagged with is kept."""
    require_writer(viewer)
    async with in_transaction():
        topic = await editing.claim_by_slug(Topic, "topic", slug, version)
        tagged = await EventTopic.filter(topic_id=topic.id).count()
        if tagged:
            raise ValidationFailed(
                [
                    FieldError(
                        "slug",
                        f"{topic.name} still tags {tagged} event(s); remove it from them first",
                        ErrorCode.IN_USE,
                    )
                ]
            )
        await outbox.mark_topic_dependents(topic.id)
        await webhooks.directory_deleted(ObjectKind.TOPIC, topic)
        await topic.delete()
    return topic
