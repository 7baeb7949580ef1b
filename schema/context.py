"""What every resolver of one request sees: the viewer, the settings, search and fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass

from schema.content.loaders import ContentLoaders
from schema.search.loaders import SearchLoaders
from search.service import SearchService
from server.auth.viewer import Viewer
from server.observability.request_facts import RequestFacts
from server.settings import Settings


@dataclass(frozen=True)
class Context:
    """The per-request context; build one per request so that loader caches never outlive it."""

    viewer: Viewer
    settings: Settings
    loaders: ContentLoaders
    search_loaders: SearchLoaders
    search: SearchService | None = None
    facts: RequestFacts | None = None
    """Where the operation the request runs is written down for its log line and metrics."""

    @classmethod
    def for_request(
        cls,
        viewer: Viewer,
        settings: Settings,
        search: SearchService | None = None,
        facts: RequestFacts | None = None,
    ) -> Context:
        """A context for one request by `viewer`, with loaders that see what the viewer may see."""
        return cls(
            viewer=viewer,
            settings=settings,
            loaders=ContentLoaders.for_viewer(viewer),
            search=search,
            search_loaders=SearchLoaders.create(),
            facts=facts,
        )
