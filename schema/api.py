"""The schema: every domain's root fields merged, with the caches and limits a public API needs."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from schema.auth.mutations import AuthMutation
from schema.auth.queries import AuthQuery
from schema.content.mutations import ContentMutation
from schema.content.queries import ContentQuery
from schema.errors import ERROR_HANDLERS
from schema.executor import Executor, lean_resolvers
from schema.limits.error_log import log_errors
from schema.limits.extensions import limit_extensions
from schema.recorded_operation import RecordOperation
from schema.search.queries import SearchQuery
from schema.webhooks.mutations import WebhookMutation
from schema.webhooks.queries import WebhookQuery
from server.settings import Settings

# Distinct query texts kept parsed and validated; least recently used go first.
DOCUMENT_CACHE_SIZE = 256


@strawberry.type(description="The root of every read.")
class Query(ContentQuery, SearchQuery, AuthQuery, WebhookQuery):
    pass


@strawberry.type(description="The root of every write.")
class Mutation(ContentMutation, AuthMutation, WebhookMutation):
    pass


class ApiSchema(strawberry.Schema):
    """Strawberry's schema, logging errors briefly, but internal ones in full (limits/error_log.py)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors, execution_context)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The GraphQL schema, with the caches and the limits `settings` ask for (schema/limits/)."""
    schema = ApiSchema(
        query=Query,
        mutation=Mutation,
        exception_handlers=ERROR_HANDLERS,
        extensions=[RecordOperation, *limit_extensions(settings, DOCUMENT_CACHE_SIZE)],
        execution_context_class=Executor,
    )
    lean_resolvers(schema._schema, schema.config.info_class)
    return schema
