"""Write services for committees and their members."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, ValidationFailed
from server.content.models import Committee, CommitteeMember, Event, Person
from server.content.services import editing
from server.content.services.inputs import (
    CommitteeInput,
    CommitteeMemberInput,
    CommitteePatch,
    apply_patch,
)
from server.content.services.stored import stored_committee
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row, sync_children
from server.indexing import outbox
from server.webhooks import changes as webhooks
from server.webhooks.events import ObjectKind

DESCRIPTION_LENGTH = 10_000


def normalise_committee(data: CommitteeInput) -> CommitteeInput:
    """The input with surrounding whitespace removed."""
    return replace(
        data,
        name=clean(data.name),
        description=clean(data.description),
        members=[CommitteeMemberInput(person=m.person, role=clean(m.role)) for m in data.members],
    )


async def validate_committee(
    data: CommitteeInput, *, lookup: SlugLookup | None = None
) -> list[FieldError]:
    """Every rule the committee breaks; members are looked up with `lookup`."""
    data = normalise_committee(data)
    check = Checker()
    check.slug("slug", data.slug)
    check.text("name", data.name, max_length(Committee, "name"), required=True)
    check.text("description", data.description, DESCRIPTION_LENGTH)
    for index, member in enumerate(data.members):
        at = check.at(f"members[{index}]")
        at.required("person", member.person)
        at.text("role", member.role, max_length(CommitteeMember, "role"), required=True)
    check.unique("members", [m.person for m in data.members], lambda slug: f"member '{slug}'")
    await check.references(
        lookup or DatabaseLookup(),
        Person,
        "person",
        [(f"members[{index}].person", m.person) for index, m in enumerate(data.members)],
    )
    return check.errors


async def _write_committee(
    viewer: Viewer,
    data: CommitteeInput,
    existing: Committee | None,
    lookup: DatabaseLookup,
    *,
    version: int | None = None,
) -> tuple[Committee, Change]:
    person_ids = await lookup.ids(Person, {m.person for m in data.members})

    async def sync(committee: Committee) -> bool:
        return await sync_children(
            CommitteeMember,
            {"committee_id": committee.id},
            [
                {"person_id": person_ids[m.person], "role": m.role, "position": position}
                for position, m in enumerate(data.members)
            ],
            key=("person_id",),
        )

    values = {"slug": data.slug, "name": data.name, "description": data.description}
    slug_before = existing.slug if existing is not None else None
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Committee, existing, values, sync, version=version)
        if change is not Change.UNCHANGED:
            await outbox.mark_committee_dependents(row.id)
            await webhooks.directory_written(
                ObjectKind.COMMITTEE, row, change is Change.CREATED, slug_before
            )
    return row, change


COMMITTEES = editing.Editable(
    model=Committee,
    noun="committee",
    normalise=normalise_committee,
    validate=validate_committee,
    stored=stored_committee,
    write=_write_committee,
)


async def upsert_committee(viewer: Viewer, data: CommitteeInput) -> tuple[Committee, Change]:
    """Creates the committee with this slug, or updates it (and its members) to match."""
    return await editing.upsert(viewer, COMMITTEES, data)


async def create_committee(viewer: Viewer, data: CommitteeInput) -> Committee:
    """Creates a new committee; its slug must be free."""
    return await editing.create(viewer, COMMITTEES, data)


async def update_committee(
    viewer: Viewer, slug: str, patch: CommitteePatch, *, version: int
) -> Committee:
    """Changes the committee with this slug (a members list replaces its members), if it is
    still at `version`."""
    return await editing.update(
        viewer, COMMITTEES, slug, lambda current: apply_patch(current, patch), version=version
    )


async def delete_committee(viewer: Viewer, slug: str, *, version: int | None = None) -> Committee:
    """Deletes the committee with this slug and its members' seats; a committee that still
    runs events is kept."""
    require_writer(viewer)
    async with in_transaction():
        committee = await editing.claim_by_slug(Committee, "committee", slug, version)
        events = await Event.filter(committee_id=committee.id).count()
        if events:
            raise ValidationFailed(
                [
                    FieldError(
                        "slug",
                        f"{committee.name} still runs {events} event(s); move or delete them first",
                        ErrorCode.IN_USE,
                    )
                ]
            )
        # Before the seats go: the members' documents list the committee.
        await outbox.mark_committee_dependents(committee.id)
        await webhooks.directory_deleted(ObjectKind.COMMITTEE, committee)
        await committee.delete()
    return committee
