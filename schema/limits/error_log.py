"""How GraphQL errors are logged: internal ones with their traceback, the client's in one short line.

Strawberry logs each error as `str(error)`, which prints the source around every
location, with the traceback of its cause: twenty refused 90 KB documents added
1.9 MB of log, most of it the documents themselves. Here a request the client got
wrong (syntax, validation, a limit, bad input) is one WARNING line: its first few
error messages, cut short, and the document's size, SHA-256 and first 200
characters, enough to find the client's document without storing it. An internal
error (a bug, a failing database) is logged at ERROR with its traceback, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from graphql import GraphQLError
from strawberry.types import ExecutionContext

from schema.limits.error_codes import is_internal
from schema.persisted_queries import sha256_hex

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 200
MESSAGE_CHARS = 300
LISTED_ERRORS = 3


def shorten(text: str, limit: int) -> str:
    """`text` on one line, printable, and at most about `limit` characters."""
    # Cut before collapsing whitespace, so that a huge text costs no more than a short one.
    head = " ".join(text[: limit * 4].split())
    if len(head) > limit or len(text) > limit * 4:
        head = head[:limit] + "…"
    # Control characters and lone surrogates are escaped: a log stream may not take them.
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in head)


def describe_document(query: str | None) -> str:
    """The document's size, hash and opening, never the document itself."""
    if query is None:
        return "no document"
    return (
        f"document of {len(query)} characters, sha256 {sha256_hex(query)}, "
        f'starting "{shorten(query, EXCERPT_CHARS)}"'
    )


def _located(error: GraphQLError) -> str:
    where = [f"{loc.line}:{loc.column}" for loc in (error.locations or ())[:LISTED_ERRORS]]
    path = ".".join(str(key) for key in error.path or ())
    return (
        shorten(error.message, MESSAGE_CHARS)
        + (f" (at {', '.join(where)})" if where else "")
        + (f" (path {path})" if path else "")
    )


def log_errors(errors: Sequence[GraphQLError], context: ExecutionContext | None) -> None:
    """Logs the errors of one request: one line for those it answered (the client's mistakes,
    search being unavailable), a traceback per internal one."""
    query = context.query if context is not None else None
    internal = [error for error in errors if is_internal(error)]
    refused = [error for error in errors if not is_internal(error)]
    for error in internal:
        logger.error(
            "internal error: %s; %s",
            _located(error),
            describe_document(query),
            exc_info=error.original_error,
        )
    if refused:
        listed = "; ".join(_located(error) for error in refused[:LISTED_ERRORS])
        more = f" (and {len(refused) - LISTED_ERRORS} more)" if len(refused) > LISTED_ERRORS else ""
        logger.warning(
            "request answered with %d error(s): %s%s; %s",
            len(refused),
            listed,
            more,
            describe_document(query),
        )
