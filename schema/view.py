"""The ASGI GraphQL endpoint; mount it with `Route("/graphql", make_graphql_app(settings))`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from schema.api import build_schema
from schema.context import Context
from schema.graphiql import graphiql_page
from schema.http import GraphQLOverHTTP
from schema.persisted_queries import PersistedQueries
from schema.response_cache import ResponseCache
from server.auth.authentication import viewer_of
from server.observability.request_facts import facts_of
from server.settings import Settings


class GraphQLApp(GraphQLOverHTTP):
    """The spec-compliant view (schema/http.py), giving every request a fresh Context."""

    def __init__(self, schema: BaseSchema, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql_enabled else None)
        self.settings = settings
        self.persisted_queries = PersistedQueries() if settings.persisted_queries else None
        self.response_cache = ResponseCache() if settings.response_cache else None
        self.http_cache_max_age = settings.http_cache_max_age

    @property
    def graphql_ide_html(self) -> str:
        # Strawberry's page loads its scripts from a CDN; this one from the app itself.
        return graphiql_page()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        # The viewer is whoever `token_authentication` (cms/app.py) found.
        runtime = getattr(request.state, "search", None)
        return Context.for_request(
            viewer_of(request),
            self.settings,
            runtime.service if runtime is not None else None,
            facts_of(request.scope),
        )


def make_graphql_app(settings: Settings) -> GraphQL[Context, None]:
    """The /graphql endpoint: queries over GET and POST, GraphiQL when the settings allow it."""
    return GraphQLApp(build_schema(settings), settings)
