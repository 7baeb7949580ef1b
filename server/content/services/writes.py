"""How the write services store rows: upsert by slug, sync child lists, and say what changed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from server.auth.viewer import Viewer
from server.content.errors import Conflict, PermissionDenied

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


async def save_row(
    model: type[ModelT],
    existing: ModelT | None,
    values: Mapping[str, Any],
    children: Callable[[ModelT], Awaitable[bool]] | None = None,
) -> tuple[ModelT, Change]:
    """Creates the row, or updates only the fields that differ; changed children update it too."""
    try:
        if existing is None:
            row = await model.create(**values)
            if children is not None:
                await children(row)
            return row, Change.CREATED
        children_changed = await children(existing) if children is not None else False
        changed = await update_row(existing, values, touch=children_changed)
        return existing, Change.UPDATED if changed else Change.UNCHANGED
    except IntegrityError as error:
        raise Conflict(f"{model.__name__}: {error}") from error


async def update_row(row: Model, values: Mapping[str, Any], *, touch: bool = False) -> bool:
    """Saves the fields whose values differ (and `updated_at`); returns whether it wrote."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed and not touch:
        return False
    for name in changed:
        setattr(row, name, values[name])
    if "updated_at" in row._meta.fields_map:
        changed.append("updated_at")
    await row.save(update_fields=changed)
    return True


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
        row = by_key.pop(tuple(values[name] for name in key), None)
        if row is None:
            to_create.append(model(**parent, **values))
        else:
            to_update.append((row, values))
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
