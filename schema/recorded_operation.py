"""An extension that writes down which operation a request ran, for its log line and metrics.

Only what the document itself defines is recorded: the chosen operation's name (None
for an unnamed one) and type. An `operationName` the document does not define records
nothing, so a client cannot make up names by sending them alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension


class RecordOperation(SchemaExtension):
    """Fills the request's `RequestFacts` (in the context) once the document is parsed."""

    def on_operation(self) -> Iterator[None]:
        yield
        facts = getattr(self.execution_context.context, "facts", None)
        document = self.execution_context.graphql_document
        if facts is None or document is None:
            return
        operation = get_operation_ast(document, self.execution_context.operation_name)
        if operation is not None:
            facts.ran(operation.name.value if operation.name else None, operation.operation.value)
