"""The search field's DataLoaders, made fresh for each request like the content ones."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from search.query import Facet
from search.service import facet_labels

FacetKey = tuple[Facet, str]


async def _load_labels(keys: list[FacetKey]) -> list[str]:
    wanted: dict[Facet, list[str]] = defaultdict(list)
    for facet, value in keys:
        wanted[facet].append(value)
    labels = await facet_labels(wanted)
    return [labels[facet][value] for facet, value in keys]


@dataclass(frozen=True)
class SearchLoaders:
    """Loaders for what search results name: only the fields a query selects load."""

    facet_label: DataLoader[FacetKey, str]

    @classmethod
    def create(cls) -> SearchLoaders:
        return cls(facet_label=DataLoader(load_fn=_load_labels))
