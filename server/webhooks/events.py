"""What a webhook tells: the event types, the changed object, and the JSON body.

An event type is `<kind>.<action>`, such as `event.published`. Only changes the
public can see are told: an event's edits while it is a draft are not, nor the
deletion of a draft. People, committees, topics and organisations have no drafts, so
they are `published` when created and are never `unpublished`; a transcript is told
only while its event is published.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class ObjectKind(str, Enum):
    """The kinds of content a webhook may be about."""

    EVENT = "event"
    PERSON = "person"
    COMMITTEE = "committee"
    TOPIC = "topic"
    ORGANISATION = "organisation"
    TRANSCRIPT = "transcript"


class Action(str, Enum):
    """What happened to the object, as the public sees it."""

    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    UPDATED = "updated"
    DELETED = "deleted"


EVENT_TYPES = tuple(f"{kind.value}.{action.value}" for kind in ObjectKind for action in Action)
"""Every event type a subscription may ask for (`*` asks for all of them)."""

TEST_EVENT_TYPE = "webhook.test"
"""The event type of the deliveries `cms webhook test` sends."""

ALL_EVENTS = "*"

_LISTINGS = {
    ObjectKind.EVENT: "events",
    ObjectKind.PERSON: "people",
    ObjectKind.COMMITTEE: "committees",
    ObjectKind.TOPIC: "topics",
    ObjectKind.ORGANISATION: "organisations",
    ObjectKind.TRANSCRIPT: "events",
}
"""The purge key of the lists an object appears in, by its kind."""

_NODE_TYPES = {
    ObjectKind.EVENT: "Event",
    ObjectKind.PERSON: "Person",
    ObjectKind.COMMITTEE: "Committee",
    ObjectKind.TOPIC: "Topic",
    ObjectKind.ORGANISATION: "Organisation",
    ObjectKind.TRANSCRIPT: "Recording",  # a transcript is read through its recording
}


def global_id(node_type: str, row_id: int) -> str:
    """The GraphQL global ID of a row (Relay's base64 of `Type:id`, as `node(id:)` takes)."""
    return base64.b64encode(f"{node_type}:{row_id}".encode()).decode("ascii")


@dataclass(frozen=True)
class Subject:
    """The object a change is about, as a webhook names it.

    `row_id` is the row behind the global ID: for a transcript, its recording's.
    `slug` is the object's slug (a transcript's is its event's). `previous_slug` is the
    slug before the change, when the change renamed it, so caches can purge both.
    """

    kind: ObjectKind
    row_id: int
    slug: str
    version: int | None
    previous_slug: str | None = None

    @property
    def key(self) -> str:
        """What orders deliveries: one object's changes reach a subscription in order."""
        return f"{self.kind.value}:{self.row_id}"

    def path(self, action: Action) -> str | None:
        """Where the public sees the object on a site that follows the usual routes, or
        None once it is no longer public."""
        if action in (Action.UNPUBLISHED, Action.DELETED):
            return None
        listing = _LISTINGS[self.kind]
        return f"/{listing}/{self.slug}"

    def purge_keys(self) -> list[str]:
        """The cache keys to purge: the object's own (`event:<slug>`, and the old one on a
        rename) and its listing's (`events`). A frontend tags each page it caches with the
        keys of the objects it shows, and purges these keys when told."""
        own = ObjectKind.EVENT if self.kind is ObjectKind.TRANSCRIPT else self.kind
        keys = [f"{own.value}:{self.slug}"]
        if self.previous_slug and self.previous_slug != self.slug:
            keys.append(f"{own.value}:{self.previous_slug}")
        keys.append(_LISTINGS[self.kind])
        return keys


def event_type(kind: ObjectKind, action: Action) -> str:
    return f"{kind.value}.{action.value}"


def body(
    delivery_id: str, kind_of_event: str, subject: Subject, action: Action, at: datetime
) -> str:
    """The JSON a delivery POSTs, fixed when the change is recorded (retries send it again)."""
    return json.dumps(
        {
            "id": delivery_id,
            "type": kind_of_event,
            "occurredAt": at.isoformat().replace("+00:00", "Z"),
            "object": {
                "kind": subject.kind.value,
                "id": global_id(_NODE_TYPES[subject.kind], subject.row_id),
                "slug": subject.slug,
                "version": subject.version,
                "path": subject.path(action),
            },
            "purgeKeys": subject.purge_keys(),
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def test_body(delivery_id: str, subscription: str, at: datetime) -> str:
    """The JSON of a test delivery: no object, just the subscription's name."""
    return json.dumps(
        {
            "id": delivery_id,
            "type": TEST_EVENT_TYPE,
            "occurredAt": at.isoformat().replace("+00:00", "Z"),
            "subscription": subscription,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
