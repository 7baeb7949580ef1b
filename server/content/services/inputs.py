"""What the write services accept: one frozen dataclass per kind, references given as slugs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from server.content.models import EventFormat, EventStatus, ParticipantRole, Platform


@dataclass(frozen=True)
class OrganisationInput:
    """An organisation to create or update, identified by its slug."""

    slug: str
    name: str
    url: str | None = None


@dataclass(frozen=True)
class TopicInput:
    """A topic to create or update, identified by its slug."""

    slug: str
    name: str


@dataclass(frozen=True)
class AffiliationInput:
    """A title a person holds, optionally at an organisation (by slug)."""

    title: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class LinkInput:
    """A labelled web link."""

    label: str
    url: str


@dataclass(frozen=True)
class PersonInput:
    """A person to create or update; affiliations and links replace the stored ones."""

    slug: str
    name: str
    bio: str = ""
    affiliations: list[AffiliationInput] = field(default_factory=list)
    links: list[LinkInput] = field(default_factory=list)


@dataclass(frozen=True)
class CommitteeMemberInput:
    """A person's seat on a committee."""

    person: str
    role: str


@dataclass(frozen=True)
class CommitteeInput:
    """A committee to create or update; members replace the stored ones."""

    slug: str
    name: str
    description: str = ""
    members: list[CommitteeMemberInput] = field(default_factory=list)


@dataclass(frozen=True)
class ImageInput:
    """An event's image and its credit; every part may be unknown."""

    src: str | None = None
    alt: str | None = None
    credit: str | None = None
    credit_url: str | None = None


@dataclass(frozen=True)
class ParticipantInput:
    """A person's part in an event; `session` names one of the event's dates."""

    person: str
    role: ParticipantRole
    affiliation: str | None = None
    session: date | None = None


@dataclass(frozen=True)
class EventOrganisationInput:
    """An organisation involved in an event and the part it played."""

    organisation: str
    role: str = "partner"


@dataclass(frozen=True)
class RecordingInput:
    """A recording of (part of) an event, whose URL may be unknown."""

    title: str
    platform: Platform | None = None
    url: str | None = None


@dataclass(frozen=True)
class EventInput:
    """An event to create or update; every list replaces the stored one, in order."""

    slug: str
    title: str
    dates: list[date]
    status: EventStatus = EventStatus.DRAFT
    committee: str | None = None
    summary: str = ""
    place: str | None = None
    format: EventFormat | None = None
    platform: Platform | None = None
    topics: list[str] = field(default_factory=list)
    image: ImageInput | None = None
    participants: list[ParticipantInput] = field(default_factory=list)
    organisations: list[EventOrganisationInput] = field(default_factory=list)
    recordings: list[RecordingInput] = field(default_factory=list)
    outcomes: str | None = None
    editor_note: str | None = None
    body: str = ""
