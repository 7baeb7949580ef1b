"""Stored rows read back as the inputs that would write them, so a patch can be applied to them.

An input made here and written unchanged changes nothing; the update services rely on
that to apply a patch to the stored object and validate the result as a whole.
Event recordings are left out (None): the API edits them one by one.
"""

from __future__ import annotations

from server.columns import column
from server.content.models import (
    Committee,
    CommitteeMember,
    Event,
    EventOrganisation,
    EventSession,
    EventTopic,
    Organisation,
    Participation,
    Person,
    PersonAffiliation,
    Topic,
)
from server.content.services.inputs import (
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
    TopicInput,
)

_ORDER = ("position", "id")


async def stored_organisation(row: Organisation) -> OrganisationInput:
    """The stored organisation, as an input."""
    return OrganisationInput(slug=row.slug, name=row.name, url=row.url)


async def stored_topic(row: Topic) -> TopicInput:
    """The stored topic, as an input."""
    return TopicInput(slug=row.slug, name=row.name)


async def stored_person(row: Person) -> PersonInput:
    """The stored person, with their affiliations and links, as an input."""
    affiliations = (
        await PersonAffiliation.filter(person_id=row.id)
        .order_by(*_ORDER)
        .values_list("title", "organisation__slug")
    )
    return PersonInput(
        slug=row.slug,
        name=row.name,
        bio=row.bio,
        affiliations=[AffiliationInput(title=t, organisation=o) for t, o in affiliations],
        links=[LinkInput(label=link["label"], url=link["url"]) for link in row.links],
    )


async def stored_committee(row: Committee) -> CommitteeInput:
    """The stored committee, with its members, as an input."""
    members = (
        await CommitteeMember.filter(committee_id=row.id)
        .order_by(*_ORDER)
        .values_list("person__slug", "role")
    )
    return CommitteeInput(
        slug=row.slug,
        name=row.name,
        description=row.description,
        members=[CommitteeMemberInput(person=p, role=r) for p, r in members],
    )


async def stored_event(row: Event) -> EventInput:
    """The stored event, with its dates, participants, topics and partners, as an input."""
    parent = {"event_id": row.id}
    dates = await column(EventSession.filter(**parent).order_by(*_ORDER), "date")
    participations = (
        await Participation.filter(**parent).order_by(*_ORDER).prefetch_related("person")
    )
    topics = await column(EventTopic.filter(**parent).order_by(*_ORDER), "topic__slug")
    partners = (
        await EventOrganisation.filter(**parent)
        .order_by(*_ORDER)
        .values_list("organisation__slug", "role")
    )
    committee = None
    if row.committee_id is not None:
        committee = (
            await Committee.filter(id=row.committee_id).first().values_list("slug", flat=True)
        )
    image = ImageInput(
        src=row.image_src,
        alt=row.image_alt,
        credit=row.image_credit,
        credit_url=row.image_credit_url,
    )
    return EventInput(
        slug=row.slug,
        title=row.title,
        dates=list(dates),
        status=row.status,
        committee=committee,  # type: ignore[arg-type]  # one row's flat value, typed as a tuple
        summary=row.summary,
        date_certainty=row.date_certainty,
        date_note=row.date_note,
        place=row.place,
        format=row.format,
        platform=row.platform,
        topics=list(topics),
        image=None if image == ImageInput() else image,
        participants=[
            ParticipantInput(
                person=p.person.slug, role=p.role, affiliation=p.affiliation, session=p.session_date
            )
            for p in participations
        ],
        organisations=[EventOrganisationInput(organisation=o, role=r) for o, r in partners],
        recordings=None,
        outcomes=row.outcomes,
        editor_note=row.editor_note,
        body=row.body,
        publish_at=row.publish_at,
        unpublish_at=row.unpublish_at,
    )
