"""An extension that refuses string input no database can hold, before execution.

- NUL (U+0000): PostgreSQL cannot store or even compare text holding it; a slug
  with one made a lookup fail with "invalid byte sequence for encoding UTF8: 0x00".
- A lone UTF-16 surrogate (U+D800 to U+DFFF): JSON may spell one (`"\\ud800"`),
  and Python decodes it to a string that no UTF-8 encoder takes, so asyncpg and
  sqlite3 both failed on it, whatever the field.

Either was an internal error. Refused here, it is the client's error
(`BAD_USER_INPUT`), the same on both databases, with a message naming the
variable or argument that holds it. Lone surrogates never get this far in a
literal (the parser refuses them), but NUL does, as `\\u0000`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import (
    BREAK,
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectFieldNode,
    StringValueNode,
    VariableDefinitionNode,
    Visitor,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
CODE = "BAD_USER_INPUT"


def unstorable_character(text: str) -> str | None:
    """The first character of `text` that no database can hold, if any."""
    found = UNSTORABLE.search(text)
    return found.group() if found else None


def _refusal(character: str, where: str) -> str:
    if character == "\x00":
        return f"String input may not contain NUL characters (U+0000): {where} holds one."
    return (
        "String input may not contain lone UTF-16 surrogates "
        f"(U+{ord(character):04X}): {where} holds one."
    )


def _variable_problem(variables: dict[str, Any] | None) -> str | None:
    pending: list[tuple[str, Any]] = [
        (f"${name}", value) for name, value in (variables or {}).items()
    ]
    while pending:  # iterative: variables may nest as deep as JSON allows
        path, value = pending.pop()
        if isinstance(value, str):
            character = unstorable_character(value)
            if character is not None:
                return _refusal(character, f'variable "{path}"')
        elif isinstance(value, dict):
            for key, item in value.items():
                character = unstorable_character(key)
                if character is not None:
                    return _refusal(character, f'a key of variable "{path}"')
                pending.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


def _describe(chain: Sequence[Any], keys: Sequence[Any]) -> str:
    """Where a literal sits, from the nodes above it and the keys that lead down to it."""
    owner, default_of, parts = "", "", list[str]()
    for index, node in enumerate(chain):
        if isinstance(node, FieldNode):
            owner, parts = f'field "{(node.alias or node.name).value}"', []
        elif isinstance(node, DirectiveNode):
            owner, parts = f'directive "@{node.name.value}"', []
        elif isinstance(node, VariableDefinitionNode):
            default_of, parts = f'the default value of variable "${node.variable.name.value}"', []
        elif isinstance(node, ArgumentNode):
            parts = [node.name.value]
        elif isinstance(node, ObjectFieldNode):
            parts.append(node.name.value)
        elif index and isinstance(chain[index - 1], ListValueNode) and parts:
            parts[-1] += f"[{keys[index]}]"
    path = ".".join(parts)
    if default_of:  # a default value belongs to an operation, never to a field
        return f'{default_of} at "{path}"' if path else default_of
    return f'argument "{path}" of {owner}'


class _LiteralFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.error: GraphQLError | None = None

    def enter_string_value(
        self, node: StringValueNode, key: Any, parent: Any, path: Any, ancestors: Any
    ) -> Any:
        character = unstorable_character(node.value)
        if character is None:
            return None
        where = _describe([*ancestors, parent], path)
        self.error = GraphQLError(_refusal(character, where), node, extensions={"code": CODE})
        return BREAK


def _find_in_literals(document: DocumentNode) -> GraphQLError | None:
    finder = _LiteralFinder()
    visit(document, finder)
    return finder.error


_CHECKED_DOCUMENTS = 256
_checked: dict[int, tuple[DocumentNode, GraphQLError | None]] = {}
"""Documents already walked, by identity: the parser cache hands back the same object
for the same text, so a document is walked once, not on every request that sends it
(hashing a document would walk it too)."""


def _document_problem(document: DocumentNode | None) -> GraphQLError | None:
    if document is None:
        return None
    entry = _checked.get(id(document))
    if entry is not None and entry[0] is document:
        return entry[1]
    error = _find_in_literals(document)
    if len(_checked) >= _CHECKED_DOCUMENTS:
        del _checked[next(iter(_checked))]  # the oldest
    _checked[id(document)] = (document, error)
    return error


class RefuseUnstorableText(SchemaExtension):
    """Answers a request whose variables or string literals hold NUL or a lone surrogate
    with a GraphQL error naming where."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        problem = _variable_problem(context.variables)
        error = (
            GraphQLError(problem, extensions={"code": CODE})
            if problem is not None
            else _document_problem(context.graphql_document)
        )
        if error is not None:
            # A result set before execution is the result: the resolvers never run.
            context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
