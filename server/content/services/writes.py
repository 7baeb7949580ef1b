"""How the write services store rows: upsert by slug, sync child lists, and say what changed.

Versioned rows (those with a `version` column) get a new version with every change.
A change made from a version a client saw first claims the row with a compare-and-set,
`UPDATE ... SET version = version + 1 WHERE id = ? AND version = ?`, inside the write's
transaction: of two writers starting from the same version exactly one matches a row,
and the other gets StaleVersion and writes nothing. On PostgreSQL the first claim
locks the row until its transaction ends, so the second sees the committed version;
SQLite runs one write transaction at a time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

from tortoise import timezone
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.models import Model

from server.auth.viewer import Viewer
from server.content.errors import Conflict, NotFound, PermissionDenied, StaleVersion

ModelT = TypeVar("ModelT", bound=Model)


class Change(str, Enum):
    """What a write did to a row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def require_writer(viewer: Viewer) -> None:
    """Raises PermissionDenied unless the viewer may change content."""
    if not viewer.can_write:
        raise PermissionDenied(f"{viewer.name} may not change content")


def is_versioned(model: type[Model]) -> bool:
    return "version" in model._meta.fields_map


def check_version(row: Model, version: int) -> None:
    """Raises StaleVersion, before any work is done, when `row` is no longer at `version`."""
    if row.version != version:  # type: ignore[attr-defined]  # a versioned model
        raise StaleVersion(type(row).__name__.lower(), version, row.version)  # type: ignore[attr-defined]  # as above


async def claim_version(model: type[Model], row_id: int, version: int) -> int:
    """Compare-and-set: moves the row from `version` to the next and returns that, or raises
    StaleVersion (NotFound when the row is gone). Call it inside the write's transaction."""
    claimed = await model.filter(id=row_id, version=version).update(version=F("version") + 1)
    if claimed:
        return version + 1
    current = await model.filter(id=row_id).first().values_list("version", flat=True)
    if current is None:
        raise NotFound(model.__name__.lower(), str(row_id), key="id")
    raise StaleVersion(model.__name__.lower(), version, current)  # type: ignore[arg-type]  # an int, not a tuple


async def save_row(
    model: type[ModelT],
    existing: ModelT | None,
    values: Mapping[str, Any],
    children: Callable[[ModelT], Awaitable[bool]] | None = None,
    *,
    version: int | None = None,
) -> tuple[ModelT, Change]:
    """Creates the row, or updates only the fields that differ; changed children update it too.

    With `version`, the version the change is based on, an existing row is first claimed
    by compare-and-set (see the module's docstring), so the write counts as a change.
    """
    try:
        if existing is None:
            row = await model.create(**values)
            if children is not None:
                await children(row)
            return row, Change.CREATED
        if version is not None:
            existing.version = await claim_version(model, existing.pk, version)
        children_changed = await children(existing) if children is not None else False
        changed = await update_row(
            existing, values, touch=children_changed or version is not None, bump=version is None
        )
        return existing, Change.UPDATED if changed else Change.UNCHANGED
    except IntegrityError as error:
        raise Conflict(f"{model.__name__}: {error}") from error


async def update_row(
    row: Model, values: Mapping[str, Any], *, touch: bool = False, bump: bool = True
) -> bool:
    """Saves the fields whose values differ (and `updated_at`, and a new `version` unless
    `bump` is off because the row was claimed already); returns whether it wrote."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed and not touch:
        return False
    for name in changed:
        setattr(row, name, values[name])
    if "updated_at" in row._meta.fields_map:
        changed.append("updated_at")
    bumped = bump and is_versioned(type(row))
    if bumped:
        # Relative, so that a change made meanwhile by another writer is never undone.
        row.version = F("version") + 1
        changed.append("version")
    await row.save(update_fields=changed)
    if bumped:
        await row.refresh_from_db(fields=["version"])
    return True


async def bump_versions(model: type[Model], ids: Sequence[int]) -> None:
    """Gives rows a new version (and `updated_at`) because something hanging off them changed."""
    if ids:
        await model.filter(id__in=list(ids)).update(
            version=F("version") + 1, updated_at=timezone.now()
        )


async def sync_children(
    model: type[Model],
    parent: Mapping[str, Any],
    desired: Sequence[Mapping[str, Any]],
    key: tuple[str, ...],
) -> bool:
    """Makes a parent's children equal `desired`, matched on `key`; returns whether it wrote.

    Rows not in `desired` are deleted, rows whose other values differ are updated,
    missing rows are created and identical rows are not touched.
    """
    by_key: dict[tuple[Any, ...], Model] = {}
    extra: list[Model] = []
    for row in await model.filter(**parent).order_by("id"):
        row_key = tuple(getattr(row, name) for name in key)
        if row_key in by_key:
            extra.append(row)
        else:
            by_key[row_key] = row

    to_update: list[tuple[Model, Mapping[str, Any]]] = []
    to_create: list[Model] = []
    for values in desired:
        existing = by_key.pop(tuple(values[name] for name in key), None)
        if existing is None:
            to_create.append(model(**parent, **values))
        else:
            to_update.append((existing, values))
    extra.extend(by_key.values())

    changed = False
    if extra:
        await model.filter(id__in=[row.pk for row in extra]).delete()
        changed = True
    for row, values in to_update:
        changed = await update_row(row, values) or changed
    if to_create:
        await model.bulk_create(to_create)
        changed = True
    return changed
