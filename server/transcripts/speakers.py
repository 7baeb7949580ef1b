"""Linking the speakers a transcript names to the people in the directory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from server.content.models import Person


def name_key(name: str) -> str:
    """How names are compared: case-insensitively, with runs of whitespace as one space."""
    return " ".join(name.split()).casefold()


async def people_by_name(names: Iterable[str]) -> dict[str, int]:
    """The id of the person each name belongs to, keyed by `name_key`.

    Names that match nobody, or more than one person, are left out: a speaker is
    linked only when there is no doubt who spoke.
    """
    wanted = {name_key(name) for name in names}
    if not wanted:
        return {}
    # Compared here rather than in SQL, whose case folding differs between SQLite
    # (ASCII only) and PostgreSQL, and would miss names such as "Şule" or "Ölmez".
    matches: dict[str, set[int]] = defaultdict(set)
    for person_id, name in await Person.all().values_list("id", "name"):
        key = name_key(name)
        if key in wanted:
            matches[key].add(person_id)
    return {key: ids.pop() for key, ids in matches.items() if len(ids) == 1}
