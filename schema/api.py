"""The schema: every domain's root fields merged, with the caches and limits a public API needs."""

from __future__ import annotations

import strawberry
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.extensions.query_depth_limiter import create_validator

from schema.auth.mutations import AuthMutation
from schema.auth.queries import AuthQuery
from schema.content.queries import ContentQuery
from schema.search.queries import SearchQuery
from server.settings import Settings

# Deep enough for any page the site renders (events → edges → node →
# participants → person → events → topics → name is 8), shallow enough to stop
# a circular query from fanning out without end; introspection is not counted.
MAX_QUERY_DEPTH = 12
# Distinct query texts kept parsed and validated; least recently used go first.
DOCUMENT_CACHE_SIZE = 256

# Created once: the validation cache is keyed by the rule classes, and
# `QueryDepthLimiter(...)` makes a new class each time it is built, which
# would turn every request into a cache miss.
_DEPTH_LIMIT = create_validator(MAX_QUERY_DEPTH, should_ignore=None)


@strawberry.type(description="The root of every read.")
class Query(ContentQuery, SearchQuery, AuthQuery):
    pass


@strawberry.type(description="The root of every write.")
class Mutation(AuthMutation):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    """The GraphQL schema; `settings` is taken so that limits can become settings later."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: AddValidationRules([_DEPTH_LIMIT]),
        ],
    )
