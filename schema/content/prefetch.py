"""Loading what a selection of events will ask for before their fields run.

A field that awaits a loader costs an asyncio task and a gather per value, and a
page of twenty events with their committee, participants and topics has hundreds
of them. The root fields that return events (`events`, `event`) read the document's
selection under them and start the same loaders the fields would, once per kind,
in the order the fields would (participations before their people). The fields then
find their values already loaded and return them directly, through `now_or_later`;
a field nobody prefetched for still awaits its loader as before. Each kind is read
in one batched query either way, so a page costs the same statements as without.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from schema.context import Context
from server.content import models

T = TypeVar("T")
R = TypeVar("R")


def now_or_later(loaded: Awaitable[T], wrap: Callable[[T], R]) -> R:
    """`wrap` of a loader's value: at once when it is already loaded, else when it is.

    graphql-core awaits what a resolver returns when it is awaitable, so the field
    that returns this stays one field whichever way it comes back.
    """
    if isinstance(loaded, asyncio.Future) and loaded.done():
        return wrap(loaded.result())

    async def later() -> R:
        return wrap(await loaded)

    return cast(R, later())


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, (InlineFragment, FragmentSpread)):
            yield from _fields(selection.selections)


def under(selections: Iterable[Selection], *path: str) -> list[Selection]:
    """The selections under the fields at `path` (aliases and fragments merged)."""
    current = list(selections)
    for name in path:
        current = [
            child for field in _fields(current) if field.name == name for child in field.selections
        ]
    return current


def _names(selections: Iterable[Selection]) -> set[str]:
    return {field.name for field in _fields(selections)}


def selected(info: strawberry.Info[Context]) -> list[Selection]:
    """What the document selects under the field being resolved."""
    return [child for field in info.selected_fields for child in field.selections]


async def prefetch_events(
    info: strawberry.Info[Context], rows: Sequence[models.Event], selections: list[Selection]
) -> None:
    """Loads the relations `selections` ask of each event in `rows` (see the module)."""
    if not rows or not selections:
        return
    loaders = info.context.loaders
    names = _names(selections)
    ids = [row.id for row in rows]
    waits: list[Awaitable[Any]] = []
    if "dates" in names:
        waits.append(loaders.dates_by_event.load_many(ids))
    if "committee" in names:
        committees = {row.committee_id for row in rows if row.committee_id is not None}
        waits.append(loaders.committee_by_id.load_many(sorted(committees)))
    if "participants" in names:
        waits.append(_participants(info, ids, _names(under(selections, "participants"))))
    if "topics" in names:
        waits.append(loaders.topics_by_event.load_many(ids))
    if "organisations" in names:
        waits.append(_organisations(info, ids, _names(under(selections, "organisations"))))
    if "recordings" in names:
        waits.append(loaders.recordings_by_event.load_many(ids))
    await asyncio.gather(*waits)


async def _participants(info: strawberry.Info[Context], ids: list[int], names: set[str]) -> None:
    loaders = info.context.loaders
    groups = await loaders.participations_by_event.load_many(ids)
    if "person" in names:
        people = {row.person_id for group in groups for row in group}
        await loaders.person_by_id.load_many(sorted(people))


async def _organisations(info: strawberry.Info[Context], ids: list[int], names: set[str]) -> None:
    loaders = info.context.loaders
    groups = await loaders.organisations_by_event.load_many(ids)
    if "organisation" in names:
        organisations = {row.organisation_id for group in groups for row in group}
        await loaders.organisation_by_id.load_many(sorted(organisations))
