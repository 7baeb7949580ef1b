"""Pages of ordered lists, addressed by row offset, and the sort direction they share."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

Row = TypeVar("Row")
M = TypeVar("M", bound=Model)


class OrderDirection(str, Enum):
    """Which way a list is sorted."""

    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True)
class PageRequest:
    """Which slice of an ordered list to read: Relay's arguments, with cursors as offsets.

    `after` and `before` are the offsets of the rows the slice starts after and
    ends before. With neither `first` nor `last` the slice runs to the list's
    ends, so callers always set one of them to bound the page.
    """

    first: int | None = None
    after: int | None = None
    last: int | None = None
    before: int | None = None

    def bounds(self, total: int) -> tuple[int, int]:
        """The slice as `(start, stop)` offsets in a list of `total` rows (Relay's algorithm)."""
        start = 0 if self.after is None else min(self.after + 1, total)
        stop = total if self.before is None else min(self.before, total)
        stop = max(stop, start)
        if self.first is not None:
            stop = min(stop, start + self.first)
        if self.last is not None:
            start = max(start, stop - self.last)
        return start, stop


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One slice of an ordered list, where it starts, and how long the whole list is."""

    rows: list[Row]
    start: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.start > 0

    @property
    def has_next(self) -> bool:
        return self.start + len(self.rows) < self.total


async def fetch_page(queryset: QuerySet[M], page: PageRequest) -> Page[M]:
    """Count the rows of an ordered queryset, then read the requested slice with LIMIT/OFFSET.

    The count comes first because a page taken from the end (`last` without
    `before`) needs it to know where to start, and it also answers
    `hasNextPage` without over-fetching.
    """
    total = await queryset.count()
    start, stop = page.bounds(total)
    rows = await queryset.offset(start).limit(stop - start) if stop > start else []
    return Page(rows=list(rows), start=start, total=total)
