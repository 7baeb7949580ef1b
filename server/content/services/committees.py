"""Write services for committees and their members."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from search import outbox
from server.auth.viewer import Viewer
from server.content.errors import FieldError, ValidationFailed
from server.content.models import Committee, CommitteeMember, Person
from server.content.services.inputs import CommitteeInput, CommitteeMemberInput
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row, sync_children


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


async def upsert_committee(viewer: Viewer, data: CommitteeInput) -> tuple[Committee, Change]:
    """Creates the committee with this slug, or updates it (and its members) to match."""
    require_writer(viewer)
    data = normalise_committee(data)
    lookup = DatabaseLookup()
    if errors := await validate_committee(data, lookup=lookup):
        raise ValidationFailed(errors)
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
    existing = await Committee.get_or_none(slug=data.slug)
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Committee, existing, values, sync)
        if change is not Change.UNCHANGED:
            await outbox.mark_committee_dependents(row.id)
    return row, change
