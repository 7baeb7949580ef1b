"""Write services for events and everything listed on them; every change is kept as a revision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial

from tortoise import timezone
from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError
from server.content.models import (
    Committee,
    DateCertainty,
    Event,
    EventOrganisation,
    EventSession,
    EventStatus,
    EventTopic,
    Organisation,
    Participation,
    Person,
    Recording,
    RevisionAction,
    Topic,
)
from server.content.services import editing
from server.content.services.inputs import (
    EventInput,
    EventOrganisationInput,
    EventPatch,
    ImageInput,
    RecordingInput,
    apply_patch,
)
from server.content.services.revisions import action_for, record_revision
from server.content.services.stored import stored_event
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    clean_optional,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row, sync_children
from server.indexing import outbox
from server.webhooks import changes as webhooks

SUMMARY_LENGTH = 1_000
BODY_LENGTH = 100_000
OUTCOMES_LENGTH = 20_000
EDITOR_NOTE_LENGTH = 5_000


def normalise_recording(data: RecordingInput) -> RecordingInput:
    """The recording with surrounding whitespace removed and a blank URL as None."""
    return RecordingInput(
        title=clean(data.title), platform=data.platform, url=clean_optional(data.url)
    )


def check_recording(check: Checker, data: RecordingInput) -> None:
    """The rules of one recording, recorded on `check` (already nested where it belongs)."""
    check.text("title", data.title, max_length(Recording, "title"), required=True)
    check.url("url", data.url, max_length(Recording, "url"))


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
        date_note=clean_optional(data.date_note),
        place=clean_optional(data.place),
        image=image,
        participants=[
            replace(p, affiliation=clean_optional(p.affiliation)) for p in data.participants
        ],
        organisations=[
            EventOrganisationInput(organisation=o.organisation, role=clean(o.role))
            for o in data.organisations
        ],
        recordings=None
        if data.recordings is None
        else [normalise_recording(r) for r in data.recordings],
        outcomes=clean_optional(data.outcomes),
        editor_note=clean_optional(data.editor_note),
        body=clean(data.body),
    )


def _check_fields(data: EventInput, check: Checker) -> None:
    check.slug("slug", data.slug)
    check.text("title", data.title, max_length(Event, "title"), required=True)
    check.text("summary", data.summary, SUMMARY_LENGTH)
    check.text("place", data.place, max_length(Event, "place"))
    check.text("date_note", data.date_note, max_length(Event, "date_note"))
    if data.date_certainty is not DateCertainty.STATED and data.date_note is None:
        check.add(
            "date_note",
            f"must say why the dates are {data.date_certainty.value.lower()}",
            ErrorCode.REQUIRED,
        )
    check.text("body", data.body, BODY_LENGTH)
    check.text("outcomes", data.outcomes, OUTCOMES_LENGTH)
    check.text("editor_note", data.editor_note, EDITOR_NOTE_LENGTH)
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
    _check_schedule(data, check)


def _check_schedule(data: EventInput, check: Checker) -> None:
    for name in ("publish_at", "unpublish_at"):
        moment = getattr(data, name)
        if moment is not None and moment.utcoffset() is None:
            check.add(name, "must say its time zone (an offset, or Z for UTC)", ErrorCode.INVALID)
            return
    if data.publish_at is not None and data.status is EventStatus.PUBLISHED:
        check.add(
            "publish_at",
            "the event is already published; unpublish it first to schedule its publication",
            ErrorCode.INVALID,
        )
    if (
        data.publish_at is not None
        and data.unpublish_at is not None
        and data.unpublish_at <= data.publish_at
    ):
        check.add("unpublish_at", "must be later than publish_at", ErrorCode.INVALID)


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
    for index, r in enumerate(data.recordings or []):
        check_recording(check.at(f"recordings[{index}]"), r)


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
        [
            (f"organisations[{i}].organisation", o.organisation)
            for i, o in enumerate(data.organisations)
        ],
    )
    return check.errors


def _published_at(status: EventStatus, existing: Event | None) -> datetime | None:
    """When the event was first published; None while it is a draft."""
    if status is not EventStatus.PUBLISHED:
        return None
    if existing is not None and existing.published_at is not None:
        return existing.published_at
    return timezone.now()


async def write_event(
    viewer: Viewer,
    data: EventInput,
    existing: Event | None,
    lookup: DatabaseLookup,
    *,
    version: int | None = None,
    action: RevisionAction | None = None,
) -> tuple[Event, Change]:
    """Writes a valid, normalised event and its lists; a change is marked for the index and
    kept as a revision (`action`, or what the change did) in the same transaction."""
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
                [
                    {"topic_id": topic_ids[slug], "position": i}
                    for i, slug in enumerate(data.topics)
                ],
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
        ]
        if data.recordings is not None:
            changes.append(
                await sync_children(
                    Recording,
                    parent,
                    [
                        {"title": r.title, "platform": r.platform, "url": r.url, "position": i}
                        for i, r in enumerate(data.recordings)
                    ],
                    key=("position",),
                )
            )
        return any(changes)

    image = data.image or ImageInput()
    values = {
        "slug": data.slug,
        "title": data.title,
        "status": data.status,
        "committee_id": committee_ids.get(data.committee) if data.committee else None,
        "summary": data.summary,
        "start_date": min(data.dates),
        "end_date": max(data.dates),
        "date_certainty": data.date_certainty,
        "date_note": data.date_note,
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
        "publish_at": data.publish_at,
        "unpublish_at": data.unpublish_at,
    }
    status_before = existing.status if existing is not None else None
    slug_before = existing.slug if existing is not None else None
    # The index work, the webhooks and the revision commit with the change.
    async with in_transaction():
        row, change = await save_row(Event, existing, values, sync, version=version)
        if change is not Change.UNCHANGED:
            await outbox.mark_events([row.id])
            await webhooks.event_written(row, status_before, slug_before)
            done = action or action_for(change, status_before, data.status)
            await record_revision(viewer, row, done, data)
    return row, change


EVENTS = editing.Editable(
    model=Event,
    noun="event",
    normalise=normalise_event,
    validate=validate_event,
    stored=stored_event,
    write=write_event,
)


async def upsert_event(viewer: Viewer, data: EventInput) -> tuple[Event, Change]:
    """Creates the event with this slug, or updates it and its lists to match `data`."""
    return await editing.upsert(viewer, EVENTS, data)


async def create_event(viewer: Viewer, data: EventInput) -> Event:
    """Creates a new event (a draft unless `data` says otherwise); its slug must be free."""
    return await editing.create(viewer, EVENTS, data)


async def update_event(viewer: Viewer, slug: str, patch: EventPatch, *, version: int) -> Event:
    """Changes the event with this slug, if it is still at `version`."""
    return await edit_event(
        viewer, slug, lambda current: apply_patch(current, patch), version=version
    )


async def edit_event(
    viewer: Viewer,
    slug: str,
    change: Callable[[EventInput], EventInput],
    *,
    version: int,
    action: RevisionAction | None = None,
) -> Event:
    """Applies `change` to the stored event, if it is still at `version`: the update that
    every other change to an event (publishing, participants, restoring) goes through."""
    kind = EVENTS if action is None else replace(EVENTS, write=partial(write_event, action=action))
    return await editing.update(viewer, kind, slug, change, version=version)


async def delete_event(viewer: Viewer, slug: str, *, version: int | None = None) -> Event:
    """Deletes the event with this slug and everything that hangs off it; its search
    documents (and its transcript passages) are removed by the index sync, and its
    history is kept, ending with a DELETE revision."""
    require_writer(viewer)
    async with in_transaction():
        event = await editing.claim_by_slug(Event, "event", slug, version)
        await outbox.mark_events([event.id])
        await webhooks.event_deleted(event)
        await record_revision(viewer, event, RevisionAction.DELETE, await stored_event(event))
        await event.delete()
    return event
