"""Write services for people, their affiliations and their links."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from search import outbox
from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, NotFound, ValidationFailed
from server.content.models import (
    CommitteeMember,
    Organisation,
    Participation,
    Person,
    PersonAffiliation,
)
from server.content.services.inputs import AffiliationInput, LinkInput, PersonInput
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    clean_optional,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row, sync_children

LINK_LABEL_LENGTH = 200
LINK_URL_LENGTH = max_length(Organisation, "url")  # the same limit as every URL column


def normalise_person(data: PersonInput) -> PersonInput:
    """The input with surrounding whitespace removed and blank optional text as None."""
    return replace(
        data,
        name=clean(data.name),
        bio=clean(data.bio),
        affiliations=[
            AffiliationInput(title=clean_optional(a.title), organisation=a.organisation)
            for a in data.affiliations
        ],
        links=[LinkInput(label=clean(link.label), url=clean(link.url)) for link in data.links],
    )


async def validate_person(
    data: PersonInput, *, lookup: SlugLookup | None = None
) -> list[FieldError]:
    """Every rule the person breaks; organisations are looked up with `lookup`."""
    data = normalise_person(data)
    check = Checker()
    check.slug("slug", data.slug)
    check.text("name", data.name, max_length(Person, "name"), required=True)
    for index, affiliation in enumerate(data.affiliations):
        at = check.at(f"affiliations[{index}]")
        if affiliation.title is None and affiliation.organisation is None:
            at.add("", "needs a title, an organisation or both", ErrorCode.REQUIRED)
        at.text("title", affiliation.title, max_length(PersonAffiliation, "title"))
    for index, link in enumerate(data.links):
        at = check.at(f"links[{index}]")
        at.text("label", link.label, LINK_LABEL_LENGTH, required=True)
        at.url("url", link.url, LINK_URL_LENGTH, required=True)
    await check.references(
        lookup or DatabaseLookup(),
        Organisation,
        "organisation",
        [
            (f"affiliations[{index}].organisation", a.organisation)
            for index, a in enumerate(data.affiliations)
        ],
    )
    return check.errors


async def upsert_person(viewer: Viewer, data: PersonInput) -> tuple[Person, Change]:
    """Creates the person with this slug, or updates them (and their affiliations) to match."""
    require_writer(viewer)
    data = normalise_person(data)
    lookup = DatabaseLookup()
    if errors := await validate_person(data, lookup=lookup):
        raise ValidationFailed(errors)
    organisation_ids = await lookup.ids(
        Organisation, {a.organisation for a in data.affiliations if a.organisation}
    )

    async def sync(person: Person) -> bool:
        return await sync_children(
            PersonAffiliation,
            {"person_id": person.id},
            [
                {
                    "position": position,
                    "title": a.title,
                    "organisation_id": organisation_ids.get(a.organisation or ""),
                }
                for position, a in enumerate(data.affiliations)
            ],
            key=("position",),
        )

    values = {
        "slug": data.slug,
        "name": data.name,
        "bio": data.bio,
        "links": [{"label": link.label, "url": link.url} for link in data.links],
    }
    existing = await Person.get_or_none(slug=data.slug)
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Person, existing, values, sync)
        if change is not Change.UNCHANGED:
            await outbox.mark_person_and_dependents(row.id)
    return row, change


async def delete_person(viewer: Viewer, slug: str, *, force: bool = False) -> Person:
    """Deletes the person with this slug. Someone who still takes part in events is only
    deleted with `force`, which removes those participations too; the events that named
    them are re-indexed."""
    require_writer(viewer)
    async with in_transaction():
        person = await Person.get_or_none(slug=slug)
        if person is None:
            raise NotFound("person", slug)
        taking_part = await Participation.filter(person_id=person.id).count()
        seats = await CommitteeMember.filter(person_id=person.id).count()
        if (taking_part or seats) and not force:
            raise ValidationFailed([FieldError(
                "force",
                f"{person.name} still takes part in {taking_part} event(s) and sits on "
                f"{seats} committee(s); pass force to remove those too",
                ErrorCode.IN_USE,
            )])
        await outbox.mark_person_and_dependents(person.id)
        await Participation.filter(person_id=person.id).delete()
        await CommitteeMember.filter(person_id=person.id).delete()
        await person.delete()
    return person
