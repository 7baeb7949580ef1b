"""The search-only API key the Meilisearch backend searches with.

The master key administers the index (indexes, settings, documents, swaps, tasks); every
search goes with a key that can do nothing but search the backend's index. Unless one is
configured (`MEILI_SEARCH_KEY`), the backend finds or creates it with the master key:

- its uid is derived from the index's name, so every process of a deployment asks for
  the same key, and creating it twice is refused by the server (409) rather than
  leaving duplicates;
- Meilisearch makes a key's value from the master key and its uid, so the key survives
  restarts and needs no storage of ours; rotating the master key rotates it.

A key found under that uid that is not search-only, or not for this index, is refused
by name rather than used.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

SEARCH_ACTIONS = ["search"]
_NAMESPACE = uuid.UUID("5b0cbd5e-6d7a-4f0e-9a55-6c8e1d3a7f21")
"""Fixed: the uids of the keys created by earlier releases must stay the same."""


def search_key_uid(index: str) -> str:
    """The uid of the search-only key for `index`: the same in every process."""
    return str(uuid.uuid5(_NAMESPACE, f"search:{index}"))


def search_key_request(index: str) -> dict[str, Any]:
    """The body of `POST /keys` that creates the search-only key for `index`."""
    return {
        "uid": search_key_uid(index),
        "name": f"cms search: {index}",
        "description": f"Search-only key the CMS searches {index} with; created by the CMS.",
        "actions": SEARCH_ACTIONS,
        "indexes": [index],
        "expiresAt": None,
    }


def search_key_problem(key: dict[str, Any], index: str, now: datetime | None = None) -> str | None:
    """Why the key found under the search key's uid cannot be used for searches, or None."""
    uid = key.get("uid")
    if key.get("actions") != SEARCH_ACTIONS:
        return (
            f"the Meilisearch key {uid} allows {key.get('actions')}, not only search; "
            "delete it (the CMS creates it again) or set MEILI_SEARCH_KEY"
        )
    if index not in (key.get("indexes") or []):
        return (
            f"the Meilisearch key {uid} is for the indexes {key.get('indexes')}, not {index}; "
            "delete it (the CMS creates it again) or set MEILI_SEARCH_KEY"
        )
    expires = key.get("expiresAt")
    if expires is not None:
        moment = datetime.fromisoformat(str(expires))
        if moment <= (now or datetime.now(UTC)):
            return (
                f"the Meilisearch key {uid} expired at {expires}; "
                "delete it (the CMS creates it again) or set MEILI_SEARCH_KEY"
            )
    if not isinstance(key.get("key"), str) or not key["key"]:
        return f"the Meilisearch key {uid} came without its value"
    return None
