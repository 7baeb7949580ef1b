"""An extension that refuses a document of several operations sent without `operationName`.

The GraphQL specification (GetOperation) makes this a request error, and
graphql-core says so too, but Strawberry fills in the first operation's name
when the client gave none, so the first operation ran and the others were
silently ignored. Checked after validation, before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

MESSAGE = "Must provide operation name if query contains multiple operations."


def operation_count(document: DocumentNode | None) -> int:
    """How many operations (not fragments) the document defines."""
    if document is None:
        return 0
    return sum(isinstance(node, OperationDefinitionNode) for node in document.definitions)


class RequireOperationName(SchemaExtension):
    """Makes a document of several operations without `operationName` a request error."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        # Strawberry keeps the name as the client sent it only here; the public
        # `operation_name` falls back to the first operation's.
        named = getattr(context, "_provided_operation_name", None) is not None
        if not named and operation_count(context.graphql_document) > 1:
            # A result set before execution is the result: the resolvers never run.
            context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(MESSAGE)])
        yield
