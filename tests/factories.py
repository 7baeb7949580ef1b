"""Factories that write content straight through the ORM: `make_x(**overrides)` returns the row.

Every factory picks a unique slug, so tests only name what they care about.
`make_event` is published unless told otherwise, and creates its sessions,
participants, topics, partners and recordings from plain arguments.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from server.content.models import (
    Committee,
    CommitteeMember,
    Event,
    EventOrganisation,
    EventSession,
    EventStatus,
    EventTopic,
    Organisation,
    ParticipantRole,
    Participation,
    Person,
    PersonAffiliation,
    Recording,
    Topic,
    Transcript,
    TranscriptSegment,
)

_sequence = itertools.count(1)


def _named(kind: str, overrides: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    """Fields for a row with a fresh unique slug and a name made from it, then `overrides`."""
    slug = overrides.pop("slug", None) or f"{kind}-{next(_sequence)}"
    return {"slug": slug, "name": slug.replace("-", " ").title(), **defaults, **overrides}


async def make_organisation(**overrides: Any) -> Organisation:
    return await Organisation.create(**_named("organisation", overrides, url=None))


async def make_topic(**overrides: Any) -> Topic:
    return await Topic.create(**_named("topic", overrides))


async def make_person(
    *, affiliations: Sequence[tuple[str | None, Organisation | None]] = (), **overrides: Any
) -> Person:
    """A person; `affiliations` are (title, organisation) pairs, in display order."""
    person = await Person.create(**_named("person", overrides, bio=""))
    for position, (title, organisation) in enumerate(affiliations):
        await PersonAffiliation.create(
            person=person, title=title, organisation=organisation, position=position
        )
    return person


async def make_committee(
    *, members: Sequence[tuple[Person, str]] = (), **overrides: Any
) -> Committee:
    """A committee; `members` are (person, role) pairs, in display order."""
    committee = await Committee.create(**_named("committee", overrides))
    for position, (person, role) in enumerate(members):
        await CommitteeMember.create(
            committee=committee, person=person, role=role, position=position
        )
    return committee


Participant = Person | tuple[Person, ParticipantRole] | dict[str, Any]


async def make_event(
    *,
    dates: Sequence[date] = (date(2021, 6, 1),),
    participants: Sequence[Participant] = (),
    topics: Sequence[Topic] = (),
    organisations: Sequence[Organisation | tuple[Organisation, str]] = (),
    recordings: Sequence[str | dict[str, Any]] = (),
    **overrides: Any,
) -> Event:
    """A published event with one session per date and the given relations, in order.

    A participant is a person (a speaker), a (person, role) pair, or the
    keyword arguments of a Participation; a recording is a title or the
    keyword arguments of a Recording.
    """
    slug = overrides.pop("slug", None) or f"event-{next(_sequence)}"
    status = overrides.get("status", EventStatus.PUBLISHED)
    fields: dict[str, Any] = {
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "status": status,
        "start_date": min(dates),
        "end_date": max(dates),
        "published_at": datetime(2021, 1, 1, tzinfo=UTC)
        if status is EventStatus.PUBLISHED
        else None,
    } | overrides
    event = await Event.create(**fields)
    for position, day in enumerate(dates):
        await EventSession.create(event=event, date=day, position=position)
    for position, participant in enumerate(participants):
        if isinstance(participant, Person):
            participant = {"person": participant}
        elif isinstance(participant, tuple):
            participant = {"person": participant[0], "role": participant[1]}
        defaults: dict[str, Any] = {"role": ParticipantRole.SPEAKER, "position": position}
        await Participation.create(event=event, **(defaults | participant))
    for position, topic in enumerate(topics):
        await EventTopic.create(event=event, topic=topic, position=position)
    for position, partner in enumerate(organisations):
        organisation, role = partner if isinstance(partner, tuple) else (partner, "partner")
        await EventOrganisation.create(
            event=event, organisation=organisation, role=role, position=position
        )
    for position, recording in enumerate(recordings):
        if isinstance(recording, str):
            recording = {"title": recording}
        await Recording.create(event=event, **({"position": position} | recording))
    return event


Segment = str | tuple[str, str | Person | None] | dict[str, Any]


async def make_transcript(
    recording: Recording, segments: Sequence[Segment] = ("Hello.",), **overrides: Any
) -> Transcript:
    """A transcript of the recording whose segments follow each other, two seconds each.

    A segment is its text, a (text, speaker) pair where the speaker is a label or a
    person (linked, and labelled with their name), or the keyword arguments of a
    TranscriptSegment.
    """
    transcript = await Transcript.create(recording=recording, **({"language": "en"} | overrides))
    for position, segment in enumerate(segments):
        if isinstance(segment, str):
            segment = {"text": segment}
        elif isinstance(segment, tuple):
            text, speaker = segment
            if isinstance(speaker, Person):
                segment = {"text": text, "speaker": speaker, "speaker_label": speaker.name}
            else:
                segment = {"text": text, "speaker_label": speaker}
        start = position * 2000
        defaults: dict[str, Any] = {"position": position, "start_ms": start, "end_ms": start + 2000}
        await TranscriptSegment.create(transcript=transcript, **(defaults | segment))
    return transcript
