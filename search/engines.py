"""Choosing the search backend from the settings."""

from __future__ import annotations

from search.backend import SearchBackend
from search.embedded import EmbeddedBackend
from server.settings import Settings


def backend_from_settings(settings: Settings) -> SearchBackend:
    """Meilisearch when MEILI_URL is set, else the embedded index under the data directory."""
    if settings.meili_url:
        from search.meilisearch import MeilisearchBackend

        return MeilisearchBackend(
            settings.meili_url,
            settings.meili_master_key,
            index=settings.meili_index,
            synonyms=settings.search_synonyms,
            search_key=settings.meili_search_key,
        )
    return EmbeddedBackend(settings.search_path, synonyms=settings.search_synonyms)
