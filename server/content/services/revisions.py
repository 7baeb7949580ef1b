"""Event revisions: every change to an event is kept with who made it and the event it left.

A snapshot is the event in the form of its seed file (`events/<slug>.md`'s front
matter plus `body`), without recordings, which are versioned on their own: dates
are ISO strings and enums their values, so a snapshot is plain JSON that reads
back into an EventInput, and restoring a revision is an ordinary update.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError

from server.auth.viewer import Viewer
from server.content.errors import Conflict
from server.content.models import (
    DateCertainty,
    Event,
    EventFormat,
    EventRevision,
    EventStatus,
    ParticipantRole,
    Platform,
    RevisionAction,
)
from server.content.services.inputs import (
    EventInput,
    EventOrganisationInput,
    ImageInput,
    ParticipantInput,
)
from server.content.services.stored import stored_event
from server.content.services.writes import Change, bump_versions


def event_snapshot(data: EventInput) -> dict[str, Any]:
    """The event as plain JSON, keys in the order of its seed file."""
    image = data.image
    return {
        "slug": data.slug,
        "title": data.title,
        "status": data.status.value,
        "committee": data.committee,
        "summary": data.summary,
        "date_certainty": data.date_certainty.value,
        "date_note": data.date_note,
        "dates": [day.isoformat() for day in data.dates],
        "place": data.place,
        "format": data.format.value if data.format else None,
        "platform": data.platform.value if data.platform else None,
        "topics": list(data.topics),
        "image": None
        if image is None
        else {
            "src": image.src,
            "alt": image.alt,
            "credit": image.credit,
            "credit_url": image.credit_url,
        },
        "participants": [
            {
                "person": p.person,
                "role": p.role.value,
                "affiliation": p.affiliation,
                "session": p.session.isoformat() if p.session else None,
            }
            for p in data.participants
        ],
        "organisations": [
            {"organisation": o.organisation, "role": o.role} for o in data.organisations
        ],
        "outcomes": data.outcomes,
        "editor_note": data.editor_note,
        "body": data.body,
    }


def snapshot_input(snapshot: dict[str, Any]) -> EventInput:
    """The EventInput a snapshot was made from (recordings left alone)."""
    image = snapshot.get("image")
    return EventInput(
        slug=snapshot["slug"],
        title=snapshot["title"],
        status=EventStatus(snapshot["status"]),
        committee=snapshot.get("committee"),
        summary=snapshot.get("summary", ""),
        date_certainty=DateCertainty(snapshot.get("date_certainty", DateCertainty.STATED.value)),
        date_note=snapshot.get("date_note"),
        dates=[date.fromisoformat(day) for day in snapshot["dates"]],
        place=snapshot.get("place"),
        format=EventFormat(snapshot["format"]) if snapshot.get("format") else None,
        platform=Platform(snapshot["platform"]) if snapshot.get("platform") else None,
        topics=list(snapshot.get("topics", [])),
        image=ImageInput(**image) if image else None,
        participants=[
            ParticipantInput(
                person=p["person"],
                role=ParticipantRole(p["role"]),
                affiliation=p.get("affiliation"),
                session=date.fromisoformat(p["session"]) if p.get("session") else None,
            )
            for p in snapshot.get("participants", [])
        ],
        organisations=[
            EventOrganisationInput(organisation=o["organisation"], role=o["role"])
            for o in snapshot.get("organisations", [])
        ],
        recordings=None,
        outcomes=snapshot.get("outcomes"),
        editor_note=snapshot.get("editor_note"),
        body=snapshot.get("body", ""),
    )


def action_for(change: Change, before: EventStatus | None, after: EventStatus) -> RevisionAction:
    """What a write did, when the caller did not say: created, (un)published or updated."""
    if change is Change.CREATED:
        return RevisionAction.CREATE
    if before is not after:
        return (
            RevisionAction.PUBLISH if after is EventStatus.PUBLISHED else RevisionAction.UNPUBLISH
        )
    return RevisionAction.UPDATE


async def record_revision(
    viewer: Viewer, event: Event, action: RevisionAction, data: EventInput
) -> EventRevision:
    """Stores the next revision of the event; call it in the transaction that made the change."""
    latest = await EventRevision.filter(event_id=event.id).order_by("-number").first()
    try:
        return await EventRevision.create(
            event_id=event.id,
            event_slug=data.slug,
            number=latest.number + 1 if latest else 1,
            action=action,
            actor=viewer.name[: EventRevision._meta.fields_map["actor"].max_length],  # type: ignore[attr-defined]  # a CharField
            snapshot=event_snapshot(data),
        )
    except IntegrityError as error:  # another writer took the number: only without a version
        raise Conflict(f"EventRevision: {error}") from error


async def revise_events(viewer: Viewer, event_ids: Sequence[int]) -> None:
    """Gives events changed through something else (a person deleted with force) a new
    version and an UPDATE revision; call it in that change's transaction."""
    await bump_versions(Event, event_ids)
    for event in await Event.filter(id__in=list(event_ids)).order_by("id"):
        await record_revision(viewer, event, RevisionAction.UPDATE, await stored_event(event))
