"""An extension that refuses NUL characters in string input, before execution.

PostgreSQL cannot store or even compare text holding U+0000: a slug with one
made a lookup fail with "invalid byte sequence for encoding UTF8: 0x00", an
internal error. Refused here, it is the client's error, the same on both
databases, whether the NUL comes in a variable or as `\\u0000` in a literal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import BREAK, DocumentNode, GraphQLError, StringValueNode, Visitor, visit
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

NUL = "\x00"
MESSAGE = "String input may not contain NUL characters (U+0000)."


def _variables_have_nul(variables: Any) -> bool:
    pending = [variables]
    while pending:  # iterative: variables may nest as deep as JSON allows
        value = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


class _NulFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if NUL in node.value:
            self.found = True
            return BREAK
        return None


def _walk_finds_nul(document: DocumentNode) -> bool:
    finder = _NulFinder()
    visit(document, finder)
    return finder.found


_CHECKED_DOCUMENTS = 256
_checked: dict[int, tuple[DocumentNode, bool]] = {}
"""Documents already walked, by identity: the parser cache hands back the same object
for the same text, so a document is walked once, not on every request that sends it
(hashing a document would walk it too)."""


def _document_has_nul(document: DocumentNode | None) -> bool:
    if document is None:
        return False
    entry = _checked.get(id(document))
    if entry is not None and entry[0] is document:
        return entry[1]
    found = _walk_finds_nul(document)
    if len(_checked) >= _CHECKED_DOCUMENTS:
        del _checked[next(iter(_checked))]  # the oldest
    _checked[id(document)] = (document, found)
    return found


class RefuseNulCharacters(SchemaExtension):
    """Answers a request whose variables or string literals hold a NUL with a GraphQL error."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if _variables_have_nul(context.variables) or _document_has_nul(context.graphql_document):
            # A result set before execution is the result: the resolvers never run.
            context.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(MESSAGE, extensions={"code": "BAD_USER_INPUT"})]
            )
        yield
