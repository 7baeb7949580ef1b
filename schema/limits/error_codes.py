"""An extension that gives resolver errors a code, and masks internal ones when asked.

- What the client sent wrong (a page size over the cap, a bad cursor, a malformed
  ID, a slug longer than any column holds) keeps its message and gets the code `BAD_USER_INPUT`, as Apollo's servers
  label it and as tools like Schemathesis read it.
- Anything else a resolver raised that is not a GraphQLError (a database error, a
  bug) is internal: it gets `INTERNAL_SERVER_ERROR`, and with masking on the
  message "Unexpected error." in place of its own, which could carry SQL, paths
  or data. Strawberry has logged the original by then.
- GraphQLErrors raised on purpose keep their message and code, and errors from
  before execution (parse, validation, variables) are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError
from tortoise.exceptions import ValidationError as FieldValueRefused

from schema.pagination import PaginationError

MASKED_MESSAGE = "Unexpected error."
CLIENT_INPUT_ERRORS: tuple[type[Exception], ...] = (
    PaginationError,
    GlobalIDValueError,
    StrawberryInputCoercionError,
    # The ORM refusing a lookup value its column could never hold, such as a
    # 20,000-character slug: the argument is at fault, not the server.
    FieldValueRefused,
)


def is_internal(error: GraphQLError) -> bool:
    """Whether the error comes from a fault of the server rather than of the request."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, *CLIENT_INPUT_ERRORS)):
        return False
    # Before execution (no path), a ValueError or TypeError is a variable a scalar refused.
    return not (error.path is None and isinstance(original, (ValueError, TypeError)))


def _relabelled(error: GraphQLError, message: str, code: str, keep_cause: bool) -> GraphQLError:
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error if keep_cause else None,
        {**(error.extensions or {}), "code": code},
    )


class ErrorCodes(SchemaExtension):
    """Labels each error of the result; with `mask`, internal errors say nothing of their cause."""

    def __init__(self, *, mask: bool) -> None:
        self.mask = mask

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [self.label(error) for error in errors]  # type: ignore[union-attr]  # errors: not None

    def label(self, error: GraphQLError) -> GraphQLError:
        if is_internal(error):
            if self.mask:
                return GraphQLError(
                    MASKED_MESSAGE,
                    error.nodes,
                    error.source,
                    error.positions,
                    error.path,
                    extensions={"code": "INTERNAL_SERVER_ERROR"},
                )
            return _relabelled(error, error.message, "INTERNAL_SERVER_ERROR", keep_cause=True)
        if isinstance(error.original_error, CLIENT_INPUT_ERRORS) and not (
            error.extensions or {}
        ).get("code"):
            return _relabelled(error, error.message, "BAD_USER_INPUT", keep_cause=True)
        return error
