"""The schema extensions that enforce the settings' limits, in the order they must run."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from graphql import ASTValidationRule
from graphql.validation import MaxIntrospectionDepthRule, NoFragmentCyclesRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as create_alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as create_depth_rule

from schema.limits.cost import create_cost_rule
from schema.limits.error_codes import ErrorCodes
from schema.limits.guarded_validation import GuardedValidationCache
from schema.limits.operation_name import RequireOperationName
from schema.limits.shape import create_shape_rule
from schema.limits.suggestions import HideSuggestions
from schema.limits.unstorable_text import RefuseUnstorableText
from server.settings import Settings


# Cached: the validation caches are keyed by the rule classes, and each
# `create_*` call makes a new class, which would make every request a miss.
@cache
def _first_pass(max_field_repeats: int, max_directives: int) -> tuple[type[ASTValidationRule], ...]:
    # Linear in the document, fragments included; the second pass relies on it.
    return (NoFragmentCyclesRule, create_shape_rule(max_field_repeats, max_directives))


@cache
def _second_pass(
    max_aliases: int, max_depth: int, max_cost: int, default_page_size: int, max_page_size: int
) -> tuple[type[ASTValidationRule], ...]:
    # Introspection is not counted in depth or cost; its own rule bounds its lists.
    return (
        create_alias_rule(max_aliases),
        create_depth_rule(max_depth, should_ignore=None),
        create_cost_rule(max_cost, default_page_size, max_page_size),
        MaxIntrospectionDepthRule,
    )


def limit_extensions(
    settings: Settings, document_cache_size: int
) -> list[Callable[[], SchemaExtension]]:
    """Extension factories for the schema: tokens, caches, validation limits, error hygiene."""
    first_pass = _first_pass(settings.graphql_max_field_repeats, settings.graphql_max_directives)
    second_pass = list(
        _second_pass(
            settings.graphql_max_aliases,
            settings.graphql_max_depth,
            settings.graphql_max_cost,
            settings.default_page_size,
            settings.max_page_size,
        )
    )
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: ParserCache(maxsize=document_cache_size),
        lambda: GuardedValidationCache(first_pass, maxsize=document_cache_size),
        lambda: AddValidationRules(second_pass),
        RequireOperationName,
        RefuseUnstorableText,
    ]
    if not settings.introspection_enabled:
        extensions += [DisableIntrospection, HideSuggestions]
    extensions.append(lambda: ErrorCodes(mask=settings.errors_masked))
    return extensions
