"""Write services for people, their affiliations and their links."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.columns import column
from server.content.errors import ErrorCode, FieldError, ValidationFailed
from server.content.models import (
    Committee,
    CommitteeMember,
    Organisation,
    Participation,
    Person,
    PersonAffiliation,
)
from server.content.services import editing
from server.content.services.inputs import (
    AffiliationInput,
    LinkInput,
    PersonInput,
    PersonPatch,
    apply_patch,
)
from server.content.services.revisions import revise_events
from server.content.services.stored import stored_person
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    clean_optional,
    max_length,
)
from server.content.services.writes import (
    Change,
    bump_versions,
    require_writer,
    save_row,
    sync_children,
)
from server.indexing import outbox
from server.webhooks import changes as webhooks
from server.webhooks.events import ObjectKind

BIO_LENGTH = 10_000
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
    check.text("bio", data.bio, BIO_LENGTH)
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


async def _write_person(
    viewer: Viewer,
    data: PersonInput,
    existing: Person | None,
    lookup: DatabaseLookup,
    *,
    version: int | None = None,
) -> tuple[Person, Change]:
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
    slug_before = existing.slug if existing is not None else None
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Person, existing, values, sync, version=version)
        if change is not Change.UNCHANGED:
            await outbox.mark_person_and_dependents(row.id)
            await webhooks.directory_written(
                ObjectKind.PERSON, row, change is Change.CREATED, slug_before
            )
    return row, change


PEOPLE = editing.Editable(
    model=Person,
    noun="person",
    normalise=normalise_person,
    validate=validate_person,
    stored=stored_person,
    write=_write_person,
)


async def upsert_person(viewer: Viewer, data: PersonInput) -> tuple[Person, Change]:
    """Creates the person with this slug, or updates them (and their affiliations) to match."""
    return await editing.upsert(viewer, PEOPLE, data)


async def create_person(viewer: Viewer, data: PersonInput) -> Person:
    """Creates a new person; their slug must be free."""
    return await editing.create(viewer, PEOPLE, data)


async def update_person(viewer: Viewer, slug: str, patch: PersonPatch, *, version: int) -> Person:
    """Changes the person with this slug, if they are still at `version`."""
    return await editing.update(
        viewer, PEOPLE, slug, lambda current: apply_patch(current, patch), version=version
    )


async def delete_person(
    viewer: Viewer, slug: str, *, force: bool = False, version: int | None = None
) -> Person:
    """Deletes the person with this slug. Someone who still takes part in events is only
    deleted with `force`, which removes those participations too; the events that named
    them get a new version and revision, and are re-indexed."""
    require_writer(viewer)
    async with in_transaction():
        person = await editing.claim_by_slug(Person, "person", slug, version)
        taking_part = Participation.filter(person_id=person.id)
        event_ids: list[int] = sorted(set(await column(taking_part, "event_id")))
        committee_ids: list[int] = await column(
            CommitteeMember.filter(person_id=person.id), "committee_id"
        )
        if (event_ids or committee_ids) and not force:
            raise ValidationFailed(
                [
                    FieldError(
                        "force",
                        f"{person.name} still takes part in {len(event_ids)} event(s) and sits on "
                        f"{len(committee_ids)} committee(s); pass force to remove those too",
                        ErrorCode.IN_USE,
                    )
                ]
            )
        await outbox.mark_person_and_dependents(person.id)
        await webhooks.directory_deleted(ObjectKind.PERSON, person)
        await Participation.filter(person_id=person.id).delete()
        await CommitteeMember.filter(person_id=person.id).delete()
        await person.delete()
        await bump_versions(Committee, committee_ids)
        await revise_events(viewer, event_ids)
    return person
