"""Write services for organisations."""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from search import outbox
from server.auth.viewer import Viewer
from server.content.errors import FieldError, ValidationFailed
from server.content.models import Organisation
from server.content.services.inputs import OrganisationInput
from server.content.services.validation import (
    Checker,
    SlugLookup,
    clean,
    clean_optional,
    max_length,
)
from server.content.services.writes import Change, require_writer, save_row


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


async def upsert_organisation(
    viewer: Viewer, data: OrganisationInput
) -> tuple[Organisation, Change]:
    """Creates the organisation with this slug, or updates it to match `data`."""
    require_writer(viewer)
    data = normalise_organisation(data)
    if errors := await validate_organisation(data):
        raise ValidationFailed(errors)
    existing = await Organisation.get_or_none(slug=data.slug)
    async with in_transaction():  # the index work commits with the change, or not at all
        row, change = await save_row(
            Organisation, existing, {"slug": data.slug, "name": data.name, "url": data.url}
        )
        if change is not Change.UNCHANGED:
            await outbox.mark_organisation_dependents(row.id)
    return row, change
