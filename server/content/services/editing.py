"""The create, update and upsert services every kind shares, around the kind's own rules.

A kind supplies how to normalise, validate, read back and write its input
(`Editable`); these functions add who may write, slug uniqueness, versions and
not-found, so that seeding (upsert) and the API (create, update) differ only in
those, and every rule of the kind holds for both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from tortoise.models import Model

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, FieldError, NotFound, ValidationFailed
from server.content.services.validation import DatabaseLookup, fits
from server.content.services.writes import Change, check_version, claim_version, require_writer


class Slugged(Protocol):
    """An input naming its row by slug."""

    @property
    def slug(self) -> str: ...


RowT = TypeVar("RowT", bound=Model)
InputT = TypeVar("InputT", bound=Slugged)
InputT_contra = TypeVar("InputT_contra", bound=Slugged, contravariant=True)


class Write(Protocol[RowT, InputT_contra]):
    """Writes a valid, normalised input over `existing` (None: a new row) in one transaction,
    with its index work; `version` is the version the change is based on, if any."""

    def __call__(
        self,
        viewer: Viewer,
        data: InputT_contra,
        existing: RowT | None,
        lookup: DatabaseLookup,
        *,
        version: int | None = None,
    ) -> Awaitable[tuple[RowT, Change]]: ...


@dataclass(frozen=True)
class Editable(Generic[RowT, InputT]):
    """One kind of content, as the shared services need it."""

    model: type[RowT]
    noun: str
    normalise: Callable[[InputT], InputT]
    validate: Callable[..., Awaitable[list[FieldError]]]  # (data, *, lookup) -> errors
    stored: Callable[[RowT], Awaitable[InputT]]
    write: Write[RowT, InputT]


async def get_by_slug(model: type[RowT], slug: str) -> RowT | None:
    """The row with this slug; None also for a slug longer than any stored one."""
    if not fits(model, "slug", slug):
        return None
    return await model.get_or_none(slug=slug)


async def _slug_taken(
    kind: Editable[Any, Any], slug: str, errors: list[FieldError]
) -> list[FieldError]:
    """DUPLICATE when another row has this slug (asked only of a slug that is valid)."""
    if any(error.field == "slug" for error in errors):
        return []
    if await kind.model.filter(slug=slug).exists():
        return [
            FieldError("slug", f"another {kind.noun} has the slug '{slug}'", ErrorCode.DUPLICATE)
        ]
    return []


async def upsert(viewer: Viewer, kind: Editable[RowT, InputT], data: InputT) -> tuple[RowT, Change]:
    """Creates the row with the input's slug, or updates it to match (seeding's write)."""
    require_writer(viewer)
    data = kind.normalise(data)
    lookup = DatabaseLookup()
    if errors := await kind.validate(data, lookup=lookup):
        raise ValidationFailed(errors)
    existing = await get_by_slug(kind.model, data.slug)
    return await kind.write(viewer, data, existing, lookup)


async def create(viewer: Viewer, kind: Editable[RowT, InputT], data: InputT) -> RowT:
    """Creates a new row; its slug must be free."""
    require_writer(viewer)
    data = kind.normalise(data)
    lookup = DatabaseLookup()
    errors = await kind.validate(data, lookup=lookup)
    errors += await _slug_taken(kind, data.slug, errors)
    if errors:
        raise ValidationFailed(errors)
    row, _ = await kind.write(viewer, data, None, lookup)
    return row


async def update(
    viewer: Viewer,
    kind: Editable[RowT, InputT],
    slug: str,
    change: Callable[[InputT], InputT],
    *,
    version: int,
) -> RowT:
    """Applies `change` to the stored row with this slug, if it is still at `version`.

    The changed input is validated as a whole, as a new one would be. A change that
    changes nothing writes nothing: the row keeps its version.
    """
    require_writer(viewer)
    existing = await get_by_slug(kind.model, slug)
    if existing is None:
        raise NotFound(kind.noun, slug)
    check_version(existing, version)
    current = await kind.stored(existing)
    data = kind.normalise(change(current))
    lookup = DatabaseLookup()
    errors = await kind.validate(data, lookup=lookup)
    if data.slug != existing.slug:  # type: ignore[attr-defined]  # every kind has a slug
        errors += await _slug_taken(kind, data.slug, errors)
    if errors:
        raise ValidationFailed(errors)
    if data == current:
        return existing
    row, _ = await kind.write(viewer, data, existing, lookup, version=version)
    return row


async def claim_by_slug(model: type[RowT], noun: str, slug: str, version: int | None) -> RowT:
    """The row with this slug, claimed at `version` when one is given (in a transaction)."""
    row = await get_by_slug(model, slug)
    if row is None:
        raise NotFound(noun, slug)
    if version is not None:
        row.version = await claim_version(model, row.pk, version)
    return row
