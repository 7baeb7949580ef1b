"""An extension that removes graphql-core's "Did you mean …?" from error messages.

With introspection off, suggestions would still spell out the schema one typo
at a time; this removes them from validation, variable and execution errors alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

_SUGGESTION = re.compile(r" Did you mean .*\?$", re.DOTALL)


def without_suggestion(error: GraphQLError) -> GraphQLError:
    """The error, or a copy of it whose message ends before "Did you mean"."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error,
        error.extensions,
    )


class HideSuggestions(SchemaExtension):
    """Strips suggestions from every error of the result."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [without_suggestion(error) for error in errors]  # type: ignore[union-attr]  # errors: not None
