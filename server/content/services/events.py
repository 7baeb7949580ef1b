"""Write services for events and everything listed on them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tortoise import timezone

from tortoise.transactions import in_transaction

from search import outbox
from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, NotFound, ValidationFailed
from server.content.models import (
    Committee,
    Event,
    EventOrganisation,
    EventSession,
    EventStatus,
    EventTopic,
    Organisation,
    Participation,
    Person,
    Recording,
    Topic,
)
from server.content.services.inputs import (
    EventInput,
    EventOrganisationInput,
    ImageInput,
    ParticipantInput,
    RecordingInput,
)
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    clean_optional,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row, sync_children


def normalise_event(data: EventInput) -> EventInput:
    """The input with surrounding whitespace removed and blank optional text as None."""
    image = data.image
    if image is not None:
        image = ImageInput(
            src=clean_optional(image.src),
            alt=clean_optional(image.alt),
            credit=clean_optional(image.credit),
            credit_url=clean_optional(image.credit_url),
        )
        if image == ImageInput():
            image = None
    return replace(
        data,
        title=clean(data.title),
        summary=clean(data.summary),
        place=clean_optional(data.place),
        image=image,
        participants=[
            replace(p, affiliation=clean_optional(p.affiliation)) for p in data.participants
        ],
        organisations=[
            EventOrganisationInput(organisation=o.organisation, role=clean(o.role))
            for o in data.organisations
        ],
        recordings=[
            RecordingInput(title=clean(r.title), platform=r.platform, url=clean_optional(r.url))
            for r in data.recordings
        ],
        outcomes=clean_optional(data.outcomes),
        editor_note=clean_optional(data.editor_note),
        body=clean(data.body),
    )


def _check_fields(data: EventInput, check: Checker) -> None:
    check.slug("slug", data.slug)
    check.text("title", data.title, max_length(Event, "title"), required=True)
    check.text("place", data.place, max_length(Event, "place"))
    if check.required("dates", data.dates):
        for index, day in enumerate(data.dates):
            check.plausible_date(f"dates[{index}]", day)
        check.unique("dates", data.dates, lambda day: f"date {day.isoformat()}")
        if len(set(data.dates)) == len(data.dates) and data.dates != sorted(data.dates):
            check.add("dates", "must be in chronological order", ErrorCode.INVALID)
    if data.image is not None:
        image = check.at("image")
        image.url("src", data.image.src, max_length(Event, "image_src"))
        image.text("alt", data.image.alt, max_length(Event, "image_alt"))
        image.text("credit", data.image.credit, max_length(Event, "image_credit"))
        image.url("credit_url", data.image.credit_url, max_length(Event, "image_credit_url"))
    check.unique("topics", data.topics, lambda slug: f"topic '{slug}'")


def _check_lists(data: EventInput, check: Checker) -> None:
    for index, p in enumerate(data.participants):
        at = check.at(f"participants[{index}]")
        at.required("person", p.person)
        at.text("affiliation", p.affiliation, max_length(Participation, "affiliation"))
        if p.session is not None and p.session not in data.dates:
            at.add(
                "session",
                f"{p.session.isoformat()} is not one of the event's dates",
                ErrorCode.INVALID,
            )
    check.unique(
        "participants",
        [(p.person, p.role) for p in data.participants],
        lambda key: f"participant '{key[0]}' as {key[1].value}",
    )
    for index, o in enumerate(data.organisations):
        at = check.at(f"organisations[{index}]")
        at.required("organisation", o.organisation)
        at.text("role", o.role, max_length(EventOrganisation, "role"), required=True)
    check.unique(
        "organisations",
        [o.organisation for o in data.organisations],
        lambda slug: f"organisation '{slug}'",
    )
    for index, r in enumerate(data.recordings):
        at = check.at(f"recordings[{index}]")
        at.text("title", r.title, max_length(Recording, "title"), required=True)
        at.url("url", r.url, max_length(Recording, "url"))


async def validate_event(data: EventInput, *, lookup: SlugLookup | None = None) -> list[FieldError]:
    """Every rule the event breaks; what it references is looked up with `lookup`."""
    data = normalise_event(data)
    lookup = lookup or DatabaseLookup()
    check = Checker()
    _check_fields(data, check)
    _check_lists(data, check)
    await check.references(lookup, Committee, "committee", [("committee", data.committee)])
    await check.references(
        lookup, Topic, "topic", [(f"topics[{i}]", slug) for i, slug in enumerate(data.topics)]
    )
    await check.references(
        lookup,
        Person,
        "person",
        [(f"participants[{i}].person", p.person) for i, p in enumerate(data.participants)],
    )
    await check.references(
        lookup,
        Organisation,
        "organisation",
        [(f"organisations[{i}].organisation", o.organisation) for i, o in enumerate(data.organisations)],
    )
    return check.errors


def _published_at(status: EventStatus, existing: Event | None) -> datetime | None:
    """When the event was first published; None while it is a draft."""
    if status is not EventStatus.PUBLISHED:
        return None
    if existing is not None and existing.published_at is not None:
        return existing.published_at
    return timezone.now()


async def upsert_event(viewer: Viewer, data: EventInput) -> tuple[Event, Change]:
    """Creates the event with this slug, or updates it and its lists to match `data`."""
    require_writer(viewer)
    data = normalise_event(data)
    lookup = DatabaseLookup()
    if errors := await validate_event(data, lookup=lookup):
        raise ValidationFailed(errors)
    committee_ids = await lookup.ids(Committee, {data.committee} if data.committee else set())
    topic_ids = await lookup.ids(Topic, set(data.topics))
    person_ids = await lookup.ids(Person, {p.person for p in data.participants})
    organisation_ids = await lookup.ids(Organisation, {o.organisation for o in data.organisations})

    async def sync(event: Event) -> bool:
        parent = {"event_id": event.id}
        changes = [
            await sync_children(
                EventSession,
                parent,
                [{"date": day, "position": i} for i, day in enumerate(data.dates)],
                key=("date",),
            ),
            await sync_children(
                Participation,
                parent,
                [
                    {
                        "person_id": person_ids[p.person],
                        "role": p.role,
                        "affiliation": p.affiliation,
                        "session_date": p.session,
                        "position": i,
                    }
                    for i, p in enumerate(data.participants)
                ],
                key=("person_id", "role"),
            ),
            await sync_children(
                EventTopic,
                parent,
                [{"topic_id": topic_ids[slug], "position": i} for i, slug in enumerate(data.topics)],
                key=("topic_id",),
            ),
            await sync_children(
                EventOrganisation,
                parent,
                [
                    {
                        "organisation_id": organisation_ids[o.organisation],
                        "role": o.role,
                        "position": i,
                    }
                    for i, o in enumerate(data.organisations)
                ],
                key=("organisation_id",),
            ),
            await sync_children(
                Recording,
                parent,
                [
                    {"title": r.title, "platform": r.platform, "url": r.url, "position": i}
                    for i, r in enumerate(data.recordings)
                ],
                key=("position",),
            ),
        ]
        return any(changes)

    existing = await Event.get_or_none(slug=data.slug)
    image = data.image or ImageInput()
    values = {
        "slug": data.slug,
        "title": data.title,
        "status": data.status,
        "committee_id": committee_ids.get(data.committee) if data.committee else None,
        "summary": data.summary,
        "start_date": min(data.dates),
        "end_date": max(data.dates),
        "place": data.place,
        "format": data.format,
        "platform": data.platform,
        "image_src": image.src,
        "image_alt": image.alt,
        "image_credit": image.credit,
        "image_credit_url": image.credit_url,
        "outcomes": data.outcomes,
        "editor_note": data.editor_note,
        "body": data.body,
        "published_at": _published_at(data.status, existing),
    }
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Event, existing, values, sync)
        if change is not Change.UNCHANGED:
            await outbox.mark_events([row.id])
    return row, change


async def delete_event(viewer: Viewer, slug: str) -> Event:
    """Deletes the event with this slug and everything that hangs off it; its search
    documents (and its transcript passages) are removed by the index sync."""
    require_writer(viewer)
    async with in_transaction():
        event = await Event.get_or_none(slug=slug)
        if event is None:
            raise NotFound("event", slug)
        await outbox.mark_events([event.id])
        await event.delete()
    return event
