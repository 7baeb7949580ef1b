"""What the write services accept: one frozen dataclass per kind, references given as slugs.

`<Kind>Input` is a whole object, as seeding and the create services take it;
`<Kind>Patch` is a change to a stored one, whose fields left UNSET keep their value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, TypeVar

from server.content.models import (
    DateCertainty,
    EventFormat,
    EventStatus,
    ParticipantRole,
    Platform,
)


class Unset(Enum):
    """The type of UNSET: a patch field the caller did not give (unlike None, which clears)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET
Maybe = Literal[Unset.UNSET]
"""`str | Maybe` reads as: a string, or not given."""

InputT = TypeVar("InputT")


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
    date_certainty: DateCertainty = DateCertainty.STATED
    date_note: str | None = None
    committee: str | None = None
    summary: str = ""
    place: str | None = None
    format: EventFormat | None = None
    platform: Platform | None = None
    topics: list[str] = field(default_factory=list)
    image: ImageInput | None = None
    participants: list[ParticipantInput] = field(default_factory=list)
    organisations: list[EventOrganisationInput] = field(default_factory=list)
    # None leaves the stored recordings alone (the API edits them one by one); a list
    # replaces them, matched by position, as a seed file does.
    recordings: list[RecordingInput] | None = None
    outcomes: str | None = None
    editor_note: str | None = None
    body: str = ""
    # When the scheduler publishes the draft, and when it unpublishes the published event.
    publish_at: datetime | None = None
    unpublish_at: datetime | None = None


@dataclass(frozen=True)
class OrganisationPatch:
    """Changes to an organisation; a new slug renames it."""

    slug: str | Maybe = UNSET
    name: str | Maybe = UNSET
    url: str | None | Maybe = UNSET


@dataclass(frozen=True)
class TopicPatch:
    """Changes to a topic; a new slug renames it."""

    slug: str | Maybe = UNSET
    name: str | Maybe = UNSET


@dataclass(frozen=True)
class PersonPatch:
    """Changes to a person; lists given replace the stored ones."""

    slug: str | Maybe = UNSET
    name: str | Maybe = UNSET
    bio: str | Maybe = UNSET
    affiliations: list[AffiliationInput] | Maybe = UNSET
    links: list[LinkInput] | Maybe = UNSET


@dataclass(frozen=True)
class CommitteePatch:
    """Changes to a committee; a members list given replaces the stored one."""

    slug: str | Maybe = UNSET
    name: str | Maybe = UNSET
    description: str | Maybe = UNSET
    members: list[CommitteeMemberInput] | Maybe = UNSET


@dataclass(frozen=True)
class EventPatch:
    """Changes to an event; lists given replace the stored ones, in order.

    Its status changes only by publishing or unpublishing, and its recordings one by one.
    """

    slug: str | Maybe = UNSET
    title: str | Maybe = UNSET
    dates: list[date] | Maybe = UNSET
    date_certainty: DateCertainty | Maybe = UNSET
    date_note: str | None | Maybe = UNSET
    committee: str | None | Maybe = UNSET
    summary: str | Maybe = UNSET
    place: str | None | Maybe = UNSET
    format: EventFormat | None | Maybe = UNSET
    platform: Platform | None | Maybe = UNSET
    topics: list[str] | Maybe = UNSET
    image: ImageInput | None | Maybe = UNSET
    participants: list[ParticipantInput] | Maybe = UNSET
    organisations: list[EventOrganisationInput] | Maybe = UNSET
    outcomes: str | None | Maybe = UNSET
    editor_note: str | None | Maybe = UNSET
    body: str | Maybe = UNSET
    publish_at: datetime | None | Maybe = UNSET
    unpublish_at: datetime | None | Maybe = UNSET


@dataclass(frozen=True)
class RecordingPatch:
    """Changes to a recording."""

    title: str | Maybe = UNSET
    platform: Platform | None | Maybe = UNSET
    url: str | None | Maybe = UNSET


def apply_patch(current: InputT, patch: Any) -> InputT:
    """`current` with every field the patch gives replaced by the patch's value."""
    given = {f.name: getattr(patch, f.name) for f in fields(patch)}
    return replace(current, **{name: value for name, value in given.items() if value is not UNSET})  # type: ignore[type-var]  # inputs are dataclasses
