"""One column of a query's rows, typed as the ORM returns it."""

from __future__ import annotations

from typing import Any, cast

from tortoise.queryset import QuerySet


async def column(queryset: QuerySet[Any], field: str) -> list[Any]:
    """`field` of each row of `queryset`, in its order: `values_list(field, flat=True)`,
    which Tortoise's annotations type as a list of tuples whatever `flat` says."""
    return cast("list[Any]", await queryset.values_list(field, flat=True))
