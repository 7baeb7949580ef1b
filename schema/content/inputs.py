"""Input types the content mutations share, and how their values become the services' inputs.

Update inputs leave out what does not change: an omitted field is `strawberry.UNSET`,
which becomes the services' own UNSET; null clears an optional field, and for a
required one it is passed on as empty so that the service refuses it as REQUIRED.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry import relay
from strawberry.types.unset import UnsetType

from schema.content.enums import ParticipantRole
from server.content import services
from server.content.errors import NotFound

T = TypeVar("T")
U = TypeVar("U")

VERSION_DESCRIPTION = (
    "The object's `version` as last read: if it has changed since, nothing is written "
    "and the result is a ConflictError with the current version."
)
Version = Annotated[int, strawberry.argument(description=VERSION_DESCRIPTION)]


def keep(value: T | None | UnsetType, convert: Callable[[T], U] | None = None) -> Any:
    """An optional field: left out keeps the stored value, null clears it."""
    if value is strawberry.UNSET:
        return services.UNSET
    if value is None or convert is None:
        return value
    return convert(value)  # type: ignore[arg-type]  # a T: UNSET and None returned above


def text(value: str | None | UnsetType) -> Any:
    """A required text field: left out keeps the stored value; null is refused as REQUIRED."""
    if value is strawberry.UNSET:
        return services.UNSET
    return "" if value is None else value


def items(value: list[T] | None | UnsetType, convert: Callable[[T], U] | None = None) -> Any:
    """A list: left out keeps the stored one; given (null as empty) replaces it."""
    if isinstance(value, UnsetType):
        return services.UNSET
    return [convert(item) if convert else item for item in value or []]


MAX_ROW_ID = 2**31 - 1  # the largest id an IntField column holds


def recording_id(id: relay.GlobalID) -> int:
    """The database id inside a recording's global ID; NotFound for any other ID."""
    node_id = id.node_id
    if (
        id.type_name != "Recording"
        or not (node_id.isascii() and node_id.isdigit())
        or len(node_id) > 10
        or int(node_id) > MAX_ROW_ID
    ):
        raise NotFound("recording", str(id), key="ID")
    return int(node_id)


@strawberry.input(description="An event's image and its credit; every part may be unknown.")
class ImageInput:
    src: str | None = strawberry.field(default=None, description="The image's http(s) URL.")
    alt: str | None = strawberry.field(
        default=None, description="Text describing the image, for screen readers."
    )
    credit: str | None = strawberry.field(default=None, description="Who to credit for it.")
    credit_url: str | None = strawberry.field(
        default=None, description="Where the credit links to, an http(s) URL."
    )

    def to_service(self) -> services.ImageInput:
        return services.ImageInput(
            src=self.src, alt=self.alt, credit=self.credit, credit_url=self.credit_url
        )


@strawberry.input(description="A person's part in an event.")
class ParticipantInput:
    person: str = strawberry.field(description="The person's slug.")
    role: ParticipantRole = strawberry.field(description="The part they played.")
    affiliation: str | None = strawberry.field(
        default=None, description="How they were introduced, such as a title and employer."
    )
    session: date | None = strawberry.field(
        default=None, description="For events with several dates: the one they took part on."
    )

    def to_service(self) -> services.ParticipantInput:
        return services.ParticipantInput(
            person=self.person, role=self.role, affiliation=self.affiliation, session=self.session
        )


@strawberry.input(description="A participant already on an event: a person in one role.")
class ParticipantKeyInput:
    person: str = strawberry.field(description="The person's slug.")
    role: ParticipantRole = strawberry.field(description="Their role at the event.")

    def to_service(self) -> tuple[str, ParticipantRole]:
        return (self.person, self.role)


@strawberry.input(description="A partner organisation of an event and the part it played.")
class EventOrganisationInput:
    organisation: str = strawberry.field(description="The organisation's slug.")
    role: str = strawberry.field(default="partner", description="Its part, such as partner.")

    def to_service(self) -> services.EventOrganisationInput:
        return services.EventOrganisationInput(organisation=self.organisation, role=self.role)


@strawberry.input(description="A title a person holds, at an organisation or not; one is needed.")
class AffiliationInput:
    title: str | None = strawberry.field(default=None, description="The title or role.")
    organisation: str | None = strawberry.field(
        default=None, description="The organisation's slug, when the title is held at one."
    )

    def to_service(self) -> services.AffiliationInput:
        return services.AffiliationInput(title=self.title, organisation=self.organisation)


@strawberry.input(description="A labelled link on a person's profile.")
class LinkInput:
    label: str = strawberry.field(description="What the link is, as shown to readers.")
    url: str = strawberry.field(description="Where it points, an http(s) URL.")

    def to_service(self) -> services.LinkInput:
        return services.LinkInput(label=self.label, url=self.url)


@strawberry.input(description="A person's seat on a committee.")
class CommitteeMemberInput:
    person: str = strawberry.field(description="The person's slug.")
    role: str = strawberry.field(description="The seat, such as co-chair.")

    def to_service(self) -> services.CommitteeMemberInput:
        return services.CommitteeMemberInput(person=self.person, role=self.role)
