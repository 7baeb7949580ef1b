"""The first N rows of each group in one query, for bounded nested lists batched by loaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pypika_tortoise.analytics import DenseRank, RowNumber
from pypika_tortoise.enums import Order
from pypika_tortoise.terms import Field, Term
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet


async def first_ids_per_group(
    queryset: QuerySet[Any],
    *,
    group: Term,
    item: Term,
    order: Sequence[tuple[Term, Order]],
    limit: int,
    items_repeat: bool = False,
) -> dict[int, list[int]]:
    """The ids (`item`) of the first `limit` rows of `queryset` in each `group`, in `order`.

    One statement, whatever the number of groups: rows are numbered within
    their group by a window function and cut at `limit` in an outer query.
    When a join can repeat an item within a group (a person with two roles at
    one event), pass `items_repeat` and make `item` the last term of `order`:
    repeats then share a rank and are returned once.
    """
    rank = (DenseRank if items_repeat else RowNumber)().over(group)
    for term, direction in order:
        rank = rank.orderby(term, order=direction)
    ranked = queryset.annotate(group_key=group, item_id=item, item_rank=rank).values(
        "group_key", "item_id", "item_rank"
    )
    connection = queryset.model._meta.db
    outer = (
        connection.query_class.from_(Subquery(ranked).as_("ranked"))
        .select("group_key", "item_id", "item_rank")
        .distinct()
        .where(Field("item_rank") <= limit)
        .orderby(Field("group_key"))
        .orderby(Field("item_rank"))
    )
    rows = await connection.execute_query_dict(*outer.get_parameterized_sql())
    ids: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        ids[row["group_key"]].append(row["item_id"])
    return dict(ids)
