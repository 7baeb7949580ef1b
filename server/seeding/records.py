"""The shape of each seed file's records: pydantic models that reject unknown fields.

They check structure and types only (a list where a list belongs, a real date, a known
enum value); every business rule lives in the content services the records convert to.
Field order here is the key order the exporter writes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from server.content.models import (
    DateCertainty,
    EventFormat,
    EventStatus,
    ParticipantRole,
    Platform,
)
from server.content.services import (
    AffiliationInput,
    CommitteeInput,
    CommitteeMemberInput,
    EventInput,
    EventOrganisationInput,
    ImageInput,
    LinkInput,
    OrganisationInput,
    ParticipantInput,
    PersonInput,
    RecordingInput,
    TopicInput,
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError(
            "iso_date", "expected a date written YYYY-MM-DD, got {value}", {"value": repr(value)}
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "iso_date", "{value} is not a real date", {"value": value}
        ) from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Record(BaseModel):
    """A record in a seed file: unknown fields are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganisationRecord(Record):
    """An entry of `organisations.yaml`."""

    slug: str
    name: str
    url: str | None = None

    def to_input(self) -> OrganisationInput:
        return OrganisationInput(slug=self.slug, name=self.name, url=self.url)


class TopicRecord(Record):
    """An entry of `topics.yaml`."""

    slug: str
    name: str

    def to_input(self) -> TopicInput:
        return TopicInput(slug=self.slug, name=self.name)


class AffiliationRecord(Record):
    title: str | None = None
    organisation: str | None = None


class LinkRecord(Record):
    label: str
    url: str


class PersonRecord(Record):
    """An entry of `people.yaml`."""

    slug: str
    name: str
    bio: str = ""
    affiliations: list[AffiliationRecord] = []
    links: list[LinkRecord] = []

    def to_input(self) -> PersonInput:
        return PersonInput(
            slug=self.slug,
            name=self.name,
            bio=self.bio,
            affiliations=[
                AffiliationInput(title=a.title, organisation=a.organisation)
                for a in self.affiliations
            ],
            links=[LinkInput(label=link.label, url=link.url) for link in self.links],
        )


class MemberRecord(Record):
    person: str
    role: str


class CommitteeRecord(Record):
    """An entry of `committees.yaml`."""

    slug: str
    name: str
    description: str = ""
    members: list[MemberRecord] = []

    def to_input(self) -> CommitteeInput:
        return CommitteeInput(
            slug=self.slug,
            name=self.name,
            description=self.description,
            members=[CommitteeMemberInput(person=m.person, role=m.role) for m in self.members],
        )


class ImageRecord(Record):
    src: str | None = None
    alt: str | None = None
    credit: str | None = None
    credit_url: str | None = None


class ParticipantRecord(Record):
    person: str
    role: ParticipantRole
    affiliation: str | None = None
    session: IsoDate | None = None


class EventOrganisationRecord(Record):
    organisation: str
    role: str = "partner"


class TranscriptRecord(Record):
    """A recording's transcript: a WebVTT or SRT file, by its path in the seed directory."""

    file: str
    language: str = "en"


class RecordingRecord(Record):
    """A recording; leaving `transcript` out keeps any stored one, and `null` removes it."""

    title: str
    platform: Platform | None = None
    url: str | None = None
    transcript: TranscriptRecord | None = None

    @property
    def mentions_transcript(self) -> bool:
        """Whether the file says anything about the transcript (even `null`)."""
        return "transcript" in self.model_fields_set

    @model_serializer(mode="wrap")
    def _without_unmentioned_transcript(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if not self.mentions_transcript:
            data.pop("transcript", None)
        return data


class EventRecord(Record):
    """An `events/<slug>.md` file: the front matter's fields, then the Markdown body."""

    slug: str
    title: str
    status: EventStatus = EventStatus.DRAFT
    committee: str | None = None
    summary: str = ""
    dates: list[IsoDate]
    date_certainty: DateCertainty = DateCertainty.STATED
    date_note: str | None = None
    place: str | None = None
    format: EventFormat | None = None
    platform: Platform | None = None
    topics: list[str] = []
    image: ImageRecord | None = None
    participants: list[ParticipantRecord] = []
    organisations: list[EventOrganisationRecord] = []
    recordings: list[RecordingRecord] = []
    outcomes: str | None = None
    editor_note: str | None = None
    publish_at: AwareDatetime | None = None
    unpublish_at: AwareDatetime | None = None
    body: str = ""

    @model_serializer(mode="wrap")
    def _without_unscheduled(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Most events are never scheduled: their files say nothing about it.
        data = handler(self)
        for name in ("publish_at", "unpublish_at"):
            if data.get(name) is None:
                data.pop(name, None)
        return data

    def to_input(self) -> EventInput:
        image = self.image
        return EventInput(
            slug=self.slug,
            title=self.title,
            status=self.status,
            committee=self.committee,
            summary=self.summary,
            dates=list(self.dates),
            date_certainty=self.date_certainty,
            date_note=self.date_note,
            place=self.place,
            format=self.format,
            platform=self.platform,
            topics=list(self.topics),
            image=ImageInput(**image.model_dump()) if image is not None else None,
            participants=[
                ParticipantInput(
                    person=p.person, role=p.role, affiliation=p.affiliation, session=p.session
                )
                for p in self.participants
            ],
            organisations=[
                EventOrganisationInput(organisation=o.organisation, role=o.role)
                for o in self.organisations
            ],
            recordings=[
                RecordingInput(title=r.title, platform=r.platform, url=r.url)
                for r in self.recordings
            ],
            outcomes=self.outcomes,
            editor_note=self.editor_note,
            body=self.body,
            publish_at=self.publish_at,
            unpublish_at=self.unpublish_at,
        )
