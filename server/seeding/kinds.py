"""The kinds of content a seed directory holds, in the order they load.

A kind ties together where its files live, the record model its files parse into, the
content services that validate and write it, how the exporter reads it back, and how a
plain seed keeps the stored list entries its files leave out (`keep`). To add a kind,
write its services and record model, then add one entry here. Files that records
reference, such as the transcripts of an event's recordings, are a kind's `attachments`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from tortoise.models import Model

from server.auth.viewer import Viewer
from server.content import services
from server.content.errors import FieldError
from server.content.models import Committee, Event, Organisation, Person, Topic
from server.content.services import Change, SlugLookup
from server.seeding import leftovers, readers
from server.seeding.files import DocumentDirectory, ListFile, SourceRecord
from server.seeding.leftovers import Keep, Leftover
from server.seeding.problems import Problem
from server.seeding.records import (
    CommitteeRecord,
    EventRecord,
    OrganisationRecord,
    PersonRecord,
    Record,
    TopicRecord,
)
from server.seeding.transcripts import EventTranscripts

RecordT = TypeVar("RecordT", bound=Record)
InputT = TypeVar("InputT")
InputT_contra = TypeVar("InputT_contra", contravariant=True)


class Validator(Protocol[InputT_contra]):
    """A service's `validate_<kind>` function."""

    def __call__(
        self, data: InputT_contra, *, lookup: SlugLookup | None = None
    ) -> Awaitable[list[FieldError]]: ...


class Attachments(Protocol):
    """Files a kind's records reference, such as an event's transcripts, handled with them.

    `read` checks them while the records are validated, `write` stores them after
    their record (and returns what it kept, or with `prune` removed, of what the record
    does not state), and `export` writes them beside the exported records, returning the
    records that reference them, the files written and the stale files found.
    """

    def read(
        self, root: Path, source: SourceRecord, record: Any, label: str
    ) -> tuple[Any, list[Problem]]: ...

    async def write(
        self, viewer: Viewer, record: Any, attached: Any, prune: bool
    ) -> tuple[bool, list[Leftover]]: ...

    async def export(
        self, root: Path, records: list[Any]
    ) -> tuple[list[Any], list[Path], list[Path]]: ...


@dataclass(frozen=True)
class SeedKind(Generic[RecordT, InputT]):
    """One kind of content: its files, its record model, its services and its reader."""

    name: str
    plural: str
    files: ListFile | DocumentDirectory
    record: type[RecordT]
    model: type[Model]
    to_input: Callable[[RecordT], InputT]
    validate: Validator[InputT]
    upsert: Callable[[Viewer, InputT], Awaitable[tuple[Any, Change]]]
    read: Callable[[], Awaitable[list[RecordT]]]
    attachments: Attachments | None = None
    keep: Keep | None = None

    async def check(self, record: RecordT, lookup: SlugLookup) -> list[FieldError]:
        """Every rule the record breaks, with references resolved through `lookup`."""
        return await self.validate(self.to_input(record), lookup=lookup)

    async def write(
        self, viewer: Viewer, record: RecordT, attached: Any = None, *, prune: bool = False
    ) -> tuple[Change, list[Leftover]]:
        """Creates or updates the record's row, then its attachments.

        Returns what happened, and what the database holds that the record does not
        state: kept, or with `prune` removed (see `server.seeding.leftovers`).
        """
        data = self.to_input(record)
        unstated: list[Leftover] = []
        if self.keep is not None:
            data, unstated = await self.keep(data, prune)
        _, change = await self.upsert(viewer, data)
        if self.attachments is not None:
            changed, found = await self.attachments.write(viewer, record, attached, prune)
            unstated.extend(found)
            if changed and change is Change.UNCHANGED:
                change = Change.UPDATED
        return change, unstated


KINDS: tuple[SeedKind[Any, Any], ...] = (
    SeedKind(
        name="organisation",
        plural="organisations",
        files=ListFile("organisations.yaml"),
        record=OrganisationRecord,
        to_input=OrganisationRecord.to_input,
        model=Organisation,
        validate=services.validate_organisation,
        upsert=services.upsert_organisation,
        read=readers.read_organisations,
    ),
    SeedKind(
        name="topic",
        plural="topics",
        files=ListFile("topics.yaml"),
        record=TopicRecord,
        to_input=TopicRecord.to_input,
        model=Topic,
        validate=services.validate_topic,
        upsert=services.upsert_topic,
        read=readers.read_topics,
    ),
    SeedKind(
        name="person",
        plural="people",
        files=ListFile("people.yaml"),
        record=PersonRecord,
        to_input=PersonRecord.to_input,
        model=Person,
        validate=services.validate_person,
        upsert=services.upsert_person,
        read=readers.read_people,
        keep=leftovers.keep_person,
    ),
    SeedKind(
        name="committee",
        plural="committees",
        files=ListFile("committees.yaml"),
        record=CommitteeRecord,
        to_input=CommitteeRecord.to_input,
        model=Committee,
        validate=services.validate_committee,
        upsert=services.upsert_committee,
        read=readers.read_committees,
        keep=leftovers.keep_committee,
    ),
    SeedKind(
        name="event",
        plural="events",
        files=DocumentDirectory("events"),
        record=EventRecord,
        to_input=EventRecord.to_input,
        model=Event,
        validate=services.validate_event,
        upsert=services.upsert_event,
        read=readers.read_events,
        attachments=EventTranscripts(),
        keep=leftovers.keep_event,
    ),
)
"""Every kind, each after the kinds it references."""
