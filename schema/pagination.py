"""Relay connections over the pages the read services return: cursors, the size cap, the types.

Cursors are opaque to clients; inside they are row offsets, so a cursor is
only meaningful with the same filter and ordering it was issued for.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from server.content.queries import Page, PageRequest
from server.settings import Settings

NodeT = TypeVar("NodeT")
Row = TypeVar("Row")

_CURSOR_PREFIX = "offset:"

First = Annotated[
    int | None,
    strawberry.argument(
        description="Return the first n items (after `after`), up to the maximum page size."
    ),
]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Return the last n items (before `before`), up to the maximum page size."
    ),
]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]
NestedFirst = Annotated[
    int | None,
    strawberry.argument(
        description="How many to return: the default page size when omitted, "
        "and never more than the maximum page size."
    ),
]


class PaginationError(ValueError):
    """A page was asked for with a bad size or cursor; the message says which and why."""


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The row offset inside a cursor; a PaginationError when it is not one of ours."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith(_CURSOR_PREFIX):
            offset = int(text.removeprefix(_CURSOR_PREFIX))
            if offset >= 0:
                return offset
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise PaginationError(f"Invalid cursor: {cursor!r}.")


def _check_size(argument: str, value: int | None, settings: Settings) -> None:
    if value is not None and not 0 <= value <= settings.max_page_size:
        raise PaginationError(
            f"`{argument}` must be between 0 and {settings.max_page_size}, got {value}."
        )


def page_request(
    settings: Settings,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> PageRequest:
    """Check Relay's arguments against the cap and turn them into a PageRequest."""
    _check_size("first", first, settings)
    _check_size("last", last, settings)
    if first is None and last is None:
        first = settings.default_page_size
    return PageRequest(
        first=first,
        after=None if after is None else decode_cursor(after),
        last=last,
        before=None if before is None else decode_cursor(before),
    )


def nested_limit(settings: Settings, first: int | None) -> int:
    """How many items a bounded nested list returns for its `first` argument."""
    _check_size("first", first, settings)
    return settings.default_page_size if first is None else first


@strawberry.type(description="An item in a list, with the cursor that points at it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        description="An opaque cursor for this item, to pass as `after` or `before`."
    )
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="One page of a list, with the total across all its pages.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        description="The items of this page, each with its cursor."
    )
    nodes: list[NodeT] = strawberry.field(
        description="The items of this page, for when the cursors are not needed."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits in the list.")
    total_count: int = strawberry.field(
        description="How many items the whole list has, across all pages."
    )

    @classmethod
    def from_page(cls, page: Page[Row], wrap: Callable[[Row], NodeT]) -> Connection[NodeT]:
        """A connection over a page of rows, each wrapped in its GraphQL type by `wrap`."""
        nodes = [wrap(row) for row in page.rows]
        edges = [
            Edge(cursor=encode_cursor(page.start + i), node=node) for i, node in enumerate(nodes)
        ]
        return cls(
            edges=edges,
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )
