"""Write services for organisations."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, ValidationFailed
from server.content.models import EventOrganisation, Organisation, PersonAffiliation
from server.content.services import editing
from server.content.services.inputs import OrganisationInput, OrganisationPatch, apply_patch
from server.content.services.stored import stored_organisation
from server.content.services.validation import (
    Checker,
    DatabaseLookup,
    SlugLookup,
    clean,
    clean_optional,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row
from server.indexing import outbox
from server.webhooks import changes as webhooks
from server.webhooks.events import ObjectKind


def normalise_organisation(data: OrganisationInput) -> OrganisationInput:
    """The input with surrounding whitespace removed and blank optional text as None."""
    return replace(data, name=clean(data.name), url=clean_optional(data.url))


async def validate_organisation(
    data: OrganisationInput, *, lookup: SlugLookup | None = None
) -> list[FieldError]:
    """Every rule the organisation breaks (it references nothing, so `lookup` is unused)."""
    data = normalise_organisation(data)
    check = Checker()
    check.slug("slug", data.slug)
    check.text("name", data.name, max_length(Organisation, "name"), required=True)
    check.url("url", data.url, max_length(Organisation, "url"))
    return check.errors


async def _write_organisation(
    viewer: Viewer,
    data: OrganisationInput,
    existing: Organisation | None,
    lookup: DatabaseLookup,
    *,
    version: int | None = None,
) -> tuple[Organisation, Change]:
    values = {"slug": data.slug, "name": data.name, "url": data.url}
    slug_before = existing.slug if existing is not None else None
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(Organisation, existing, values, version=version)
        if change is not Change.UNCHANGED:
            await outbox.mark_organisation_dependents(row.id)
            await webhooks.directory_written(
                ObjectKind.ORGANISATION, row, change is Change.CREATED, slug_before
            )
    return row, change


ORGANISATIONS = editing.Editable(
    model=Organisation,
    noun="organisation",
    normalise=normalise_organisation,
    validate=validate_organisation,
    stored=stored_organisation,
    write=_write_organisation,
)


async def upsert_organisation(
    viewer: Viewer, data: OrganisationInput
) -> tuple[Organisation, Change]:
    """Creates the organisation with this slug, or updates it to match `data`."""
    return await editing.upsert(viewer, ORGANISATIONS, data)


async def create_organisation(viewer: Viewer, data: OrganisationInput) -> Organisation:
    """Creates a new organisation; its slug must be free."""
    return await editing.create(viewer, ORGANISATIONS, data)


async def update_organisation(
    viewer: Viewer, slug: str, patch: OrganisationPatch, *, version: int
) -> Organisation:
    """Changes the organisation with this slug, if it is still at `version`."""
    return await editing.update(
        viewer, ORGANISATIONS, slug, lambda current: apply_patch(current, patch), version=version
    )


async def delete_organisation(
    viewer: Viewer, slug: str, *, version: int | None = None
) -> Organisation:
    """Deletes the organisation with this slug; one that people or events still name is kept."""
    require_writer(viewer)
    async with in_transaction():
        organisation = await editing.claim_by_slug(Organisation, "organisation", slug, version)
        people = await PersonAffiliation.filter(organisation_id=organisation.id).count()
        events = await EventOrganisation.filter(organisation_id=organisation.id).count()
        if people or events:
            raise ValidationFailed(
                [
                    FieldError(
                        "slug",
                        f"{organisation.name} is still named in {people} affiliation(s) and by "
                        f"{events} event(s); remove it from them first",
                        ErrorCode.IN_USE,
                    )
                ]
            )
        await outbox.mark_organisation_dependents(organisation.id)
        await webhooks.directory_deleted(ObjectKind.ORGANISATION, organisation)
        await organisation.delete()
    return organisation
