"""Validation in two passes: cheap limits alone first, then the spec's rules and ours; both cached.

graphql-core runs every rule in one walk over the document, so a limit that
fails does not stop a quadratic rule from running on the same document. Here
the first pass (fragment cycles, shape) runs alone, and a document that fails
it is never given to the second, whose limiters would expand a fragment bomb.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any

from graphql import ASTValidationRule, validate
from strawberry.extensions import ValidationCache


@cache
def _first_pass_cache(maxsize: int) -> Callable[..., Any]:
    # Shared by every instance with this size, as Strawberry's ValidationCache is.
    return lru_cache(maxsize=maxsize)(validate)


class GuardedValidationCache(ValidationCache):
    """Strawberry's ValidationCache with `first_pass` rules checked before, and alone."""

    def __init__(self, first_pass: tuple[type[ASTValidationRule], ...], maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.first_pass = first_pass
        self.cached_first_pass = _first_pass_cache(maxsize)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        errors = self.cached_first_pass(
            context.schema._schema, context.graphql_document, self.first_pass
        )
        if errors:
            context.pre_execution_errors = errors
            yield
            return
        yield from super().on_validate()
