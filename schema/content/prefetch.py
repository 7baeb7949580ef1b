"""Loading what a selection of events will ask for before their fields run.

A field that awaits a loader costs an asyncio task and a gather per value, and a
page of twenty events with their committee, participants and topics has hundreds
of them. The root fields that return events (`events`, `event`) read the document's
selection under them and start the same loaders the fields would, once per kind,
in the order the fields would (participations before their people). The fields then
find their values already loaded and return them directly, through `now_or_later`;
a field nobody prefetched for still awaits its loader as before. Each kind is read
in one batched query either way, so a page costs the same statements as without.

Prefetching calls each loader's batch function itself and primes the loader's cache
with what it returns (`fill`), rather than asking the loader for every key: that
would queue a future per key on a batch and gather them, which costs more than the
reads for a page of twenty events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from schema.context import Context
from server.content import models
from server.content.queries.event_rows import EventRow

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")


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


async def fill(loader: DataLoader[K, T], keys: Sequence[K]) -> list[T]:
    """The values of `keys`, those not yet loaded read in one call of the loader's batch
    function, all of them left in the loader's cache for the fields to find."""
    missing = [key for key in dict.fromkeys(keys) if loader.cache_map.get(key) is None]
    if missing:
        values = await loader.load_fn(missing)
        loader.prime_many(
            {
                key: value
                for key, value in zip(missing, values, strict=True)
                if not isinstance(value, BaseException)  # left to the loader to raise
            }
        )
    futures = [loader.load(key) for key in keys]  # all cached now: no batch is queued
    if not all(isinstance(future, asyncio.Future) and future.done() for future in futures):
        return list(await asyncio.gather(*futures))  # another field's batch still on its way
    return [cast("asyncio.Future[T]", future).result() for future in futures]


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
    info: strawberry.Info[Context],
    rows: Sequence[models.Event | EventRow],
    selections: list[Selection],
) -> None:
    """Loads the relations `selections` ask of each event in `rows` (see the module)."""
    if not rows or not selections:
        return
    loaders = info.context.loaders
    names = _names(selections)
    ids = [row.id for row in rows]
    waits: list[Awaitable[Any]] = []
    if "dates" in names:
        waits.append(fill(loaders.dates_by_event, ids))
    if "committee" in names:
        committees = {row.committee_id for row in rows if row.committee_id is not None}
        waits.append(fill(loaders.committee_by_id, sorted(committees)))
    if "participants" in names:
        waits.append(_participants(info, ids, _names(under(selections, "participants"))))
    if "topics" in names:
        waits.append(fill(loaders.topics_by_event, ids))
    if "organisations" in names:
        waits.append(_organisations(info, ids, _names(under(selections, "organisations"))))
    if "recordings" in names:
        waits.append(fill(loaders.recordings_by_event, ids))
    await asyncio.gather(*waits)


async def _participants(info: strawberry.Info[Context], ids: list[int], names: set[str]) -> None:
    loaders = info.context.loaders
    groups = await fill(loaders.participations_by_event, ids)
    if "person" in names:
        people = {row.person_id for group in groups for row in group}
        await fill(loaders.person_by_id, sorted(people))


async def _organisations(info: strawberry.Info[Context], ids: list[int], names: set[str]) -> None:
    loaders = info.context.loaders
    groups = await fill(loaders.organisations_by_event, ids)
    if "organisation" in names:
        organisations = {row.organisation_id for group in groups for row in group}
        await fill(loaders.organisation_by_id, sorted(organisations))
