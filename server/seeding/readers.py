"""Reading the database back into seed records, in the canonical order the exporter writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from server.content.models import Committee, Event, Organisation, Person, Topic
from server.seeding.records import (
    AffiliationRecord,
    CommitteeRecord,
    EventOrganisationRecord,
    EventRecord,
    ImageRecord,
    LinkRecord,
    MemberRecord,
    OrganisationRecord,
    ParticipantRecord,
    PersonRecord,
    RecordingRecord,
    TopicRecord,
)

ChildT = TypeVar("ChildT")


def _in_order(rows: Iterable[ChildT]) -> list[ChildT]:
    return sorted(rows, key=lambda row: (row.position, row.id))  # type: ignore[attr-defined]  # child rows


async def read_organisations() -> list[OrganisationRecord]:
    """Every organisation, by slug."""
    return [
        OrganisationRecord(slug=o.slug, name=o.name, url=o.url)
        for o in await Organisation.all().order_by("slug")
    ]


async def read_topics() -> list[TopicRecord]:
    """Every topic, by slug."""
    return [TopicRecord(slug=t.slug, name=t.name) for t in await Topic.all().order_by("slug")]


async def read_people() -> list[PersonRecord]:
    """Every person with their affiliations, by slug."""
    people = await Person.all().order_by("slug").prefetch_related("affiliations__organisation")
    return [
        PersonRecord(
            slug=person.slug,
            name=person.name,
            bio=person.bio,
            affiliations=[
                AffiliationRecord(
                    title=a.title, organisation=a.organisation.slug if a.organisation else None
                )
                for a in _in_order(person.affiliations)
            ],
            links=[LinkRecord(label=link["label"], url=link["url"]) for link in person.links],
        )
        for person in people
    ]


async def read_committees() -> list[CommitteeRecord]:
    """Every committee with its members, by slug."""
    committees = await Committee.all().order_by("slug").prefetch_related("members__person")
    return [
        CommitteeRecord(
            slug=committee.slug,
            name=committee.name,
            description=committee.description,
            members=[
                MemberRecord(person=m.person.slug, role=m.role)
                for m in _in_order(committee.members)
            ],
        )
        for committee in committees
    ]


def _image(event: Event) -> ImageRecord | None:
    image = ImageRecord(
        src=event.image_src,
        alt=event.image_alt,
        credit=event.image_credit,
        credit_url=event.image_credit_url,
    )
    return None if image == ImageRecord() else image


async def read_events() -> list[EventRecord]:
    """Every event with everything listed on it, by slug."""
    events = (
        await Event.all()
        .order_by("slug")
        .prefetch_related(
            "committee",
            "sessions",
            "participations__person",
            "topic_links__topic",
            "organisation_links__organisation",
            "recordings",
        )
    )
    return [
        EventRecord(
            slug=event.slug,
            title=event.title,
            status=event.status,
            committee=event.committee.slug if event.committee else None,
            summary=event.summary,
            dates=[session.date for session in _in_order(event.sessions)],
            date_certainty=event.date_certainty,
            date_note=event.date_note,
            place=event.place,
            format=event.format,
            platform=event.platform,
            topics=[link.topic.slug for link in _in_order(event.topic_links)],
            image=_image(event),
            participants=[
                ParticipantRecord(
                    person=p.person.slug,
                    role=p.role,
                    affiliation=p.affiliation,
                    session=p.session_date,
                )
                for p in _in_order(event.participations)
            ],
            organisations=[
                EventOrganisationRecord(organisation=link.organisation.slug, role=link.role)
                for link in _in_order(event.organisation_links)
            ],
            recordings=[
                RecordingRecord(title=r.title, platform=r.platform, url=r.url)
                for r in _in_order(event.recordings)
            ],
            outcomes=event.outcomes,
            editor_note=event.editor_note,
            publish_at=event.publish_at,
            unpublish_at=event.unpublish_at,
            body=event.body,
        )
        for event in events
    ]
