"""Meilisearch filter expressions built from a SearchFilter, with every value quoted as data.

Field names are fixed identifiers from this module; values are always quoted and escaped,
so a committee slug such as `x" OR kind = "person` stays one string and never becomes syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from search.query import SearchFilter


def quote(value: str) -> str:
    """A filter string literal: backslashes and double quotes escaped, then double-quoted.

    Meilisearch unescapes a quoted value once, so `\\` must be doubled before `"` is escaped.
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(field: str, values: Iterable[str]) -> str:
    """`field IN ["a", "b"]`: the field (or, for a list field, one of its items) is one of them."""
    return f"{field} IN [{', '.join(quote(str(value)) for value in values)}]"


def _day(value: date) -> int:
    return int(value.strftime("%Y%m%d"))


def search_filter(restrictions: SearchFilter) -> str | None:
    """The filter for a search: OR within a list, AND across lists; None when unrestricted."""
    clauses = []
    lists = (
        ("kind", [kind.value for kind in restrictions.kinds]),
        ("committee", restrictions.committees),
        ("topics", restrictions.topics),
        ("people", restrictions.people),
        ("platform", restrictions.platforms),
    )
    for field, values in lists:
        if values:
            clauses.append(any_of(field, values))
    if restrictions.year_from is not None:
        clauses.append(f"year >= {int(restrictions.year_from)}")
    if restrictions.year_to is not None:
        clauses.append(f"year <= {int(restrictions.year_to)}")
    if restrictions.date_from is not None:
        clauses.append(f"date >= {_day(restrictions.date_from)}")
    if restrictions.date_to is not None:
        clauses.append(f"date <= {_day(restrictions.date_to)}")
    for field, ids in (
        ("event_id", restrictions.withheld_events),
        ("person_id", restrictions.withheld_people),
    ):
        if ids:
            # A document without the field (a person's has no event_id) is kept, as NOT IN
            # matches every document the IN list does not.
            clauses.append(f"{field} NOT IN [{_integers(ids)}]")
    return " AND ".join(clauses) or None


def _integers(values: Iterable[int]) -> str:
    return ", ".join(str(int(value)) for value in values)


def events_filter(event_ids: Iterable[int]) -> str:
    """Every document (the event's own and its passages') of these events."""
    return f"event_id IN [{_integers(event_ids)}]"
