"""The expected failures of writes, as GraphQL types for the result unions of mutations.

Each mirrors one domain error (server/content/errors.py):

* ValidationFailed → ValidationError, with a FieldError per broken rule
* NotFound → NotFoundError
* Conflict → ConflictError
* PermissionDenied → PermissionDeniedError

`ERROR_HANDLERS`, given to the schema, makes that mapping in one place: a resolver
whose result union has the error type just lets the domain error propagate.
"""

from __future__ import annotations

import re
from typing import Any

import strawberry

from server.content import errors as domain
from server.content.errors import ErrorCode

strawberry.enum(ErrorCode, description="Why an input field was rejected.")


@strawberry.type(description="One rule one input field breaks.")
class FieldError:
    field: str = strawberry.field(
        description="The field's path in the input, such as `participants[2].person`; "
        "empty when the input as a whole is at fault."
    )
    message: str = strawberry.field(description="What is wrong, for people.")
    code: ErrorCode = strawberry.field(description="What is wrong, for programs.")

    @classmethod
    def from_error(cls, error: domain.FieldError) -> FieldError:
        # The services name fields as Python (and seed files) do; clients as GraphQL does.
        field = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), error.field)
        return cls(field=field, message=error.message, code=error.code)


@strawberry.type(description="The input breaks one or more rules; nothing was written.")
class ValidationError:
    errors: list[FieldError] = strawberry.field(description="Every rule the input breaks.")

    @classmethod
    def from_error(cls, error: domain.ValidationFailed) -> ValidationError:
        return cls(errors=[FieldError.from_error(field) for field in error.errors])


@strawberry.type(description="The thing to act on does not exist; nothing was written.")
class NotFoundError:
    message: str = strawberry.field(description="What was not found.")


@strawberry.type(
    description="The write clashes with a change stored meanwhile; nothing was written."
)
class ConflictError:
    message: str = strawberry.field(description="What clashed.")
    current_version: int | None = strawberry.field(
        default=None, description="The stored version, when the clash is with a newer version."
    )


@strawberry.type(description="The viewer may not do this; nothing was written.")
class PermissionDeniedError:
    message: str = strawberry.field(description="What the viewer may not do, and who may.")


class _ValidationFailedHandler(
    strawberry.ExceptionHandler[domain.ValidationFailed, ValidationError]
):
    def handle(self, exception: domain.ValidationFailed, **_: Any) -> ValidationError:
        return ValidationError.from_error(exception)


class _NotFoundHandler(strawberry.ExceptionHandler[domain.NotFound, NotFoundError]):
    def handle(self, exception: domain.NotFound, **_: Any) -> NotFoundError:
        return NotFoundError(message=str(exception))


class _ConflictHandler(strawberry.ExceptionHandler[domain.Conflict, ConflictError]):
    def handle(self, exception: domain.Conflict, **_: Any) -> ConflictError:
        current = exception.current_version if isinstance(exception, domain.StaleVersion) else None
        return ConflictError(message=str(exception), current_version=current)


class _PermissionDeniedHandler(
    strawberry.ExceptionHandler[domain.PermissionDenied, PermissionDeniedError]
):
    def handle(self, exception: domain.PermissionDenied, **_: Any) -> PermissionDeniedError:
        return PermissionDeniedError(message=str(exception))


ERROR_HANDLERS: tuple[strawberry.ExceptionHandler[Any, Any], ...] = (
    _ValidationFailedHandler(),
    _NotFoundHandler(),
    _ConflictHandler(),
    _PermissionDeniedHandler(),
)
"""Domain errors to union members, for every field whose result union has the member."""
