"""What one request's handling learns about it, for its log line and its metrics.

The observing middleware puts a `RequestFacts` into the ASGI scope before the app runs;
the GraphQL view fills in the operation and the codes of its errors; the middleware
reads it back once the response is sent. The GraphQL layer fills it without the
middleware importing GraphQL, and the middleware counts it without GraphQL importing
metrics.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

SCOPE_KEY = "cms.request_facts"


@dataclass
class RequestFacts:
    """The request id, and the GraphQL operation the request ran, when it ran one."""

    request_id: str
    operation_name: str | None = None
    """The operation's name as the document defines it; None when it has none, or none ran."""
    operation_type: str | None = None
    """`query`, `mutation` or `subscription`; None when no operation was chosen."""
    error_codes: list[str] = field(default_factory=list)
    """`extensions.code` of each GraphQL error in the answer (empty strings for none)."""

    def ran(self, name: str | None, operation_type: str) -> None:
        """Records the operation the document defines and the request chose."""
        self.operation_name = name
        self.operation_type = operation_type


def facts_of(scope: MutableMapping[str, Any]) -> RequestFacts | None:
    """The facts the middleware keeps for this request, if it runs."""
    facts = scope.get(SCOPE_KEY)
    return facts if isinstance(facts, RequestFacts) else None
