"""The requests the backends under test send to the live Meilisearch, checked against the
1.53 OpenAPI spec as they are sent.

`RequestLog.attach` adds an event hook to a backend's HTTP client: the request still goes
to the real server, but first it is validated strictly (tests/search/openapi_spec.py,
unknown body properties forbidden) and kept. A request the spec does not describe fails
the test that sent it, naming the problem, before the server sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.search.openapi_spec import OpenApiSpec, load_spec


@dataclass(frozen=True)
class SentRequest:
    method: str
    path: str
    template: str | None
    """The spec's path template the request matched, None when it matched none."""
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    problems: list[str]


@dataclass
class RequestLog:
    """Every request sent through an attached client, each validated as it is sent."""

    sent: list[SentRequest] = field(default_factory=list)
    also: RequestLog | None = None
    """A log that keeps every request of this one too (the session's)."""
    _spec: OpenApiSpec | None = None

    @property
    def spec(self) -> OpenApiSpec:
        if self._spec is None:
            self._spec = load_spec()
        return self._spec

    def attach(self, http_client: Any) -> None:
        """Validates and keeps every request `http_client` (an httpx2.AsyncClient) sends."""
        hooks = http_client.event_hooks
        hooks["request"] = [*hooks.get("request", []), self._check]
        http_client.event_hooks = hooks

    async def _check(self, request: Any) -> None:
        problems = self.spec.request_problems(request)
        found = self.spec.route(request.method, request.url.path)
        sent = SentRequest(
            method=request.method,
            path=request.url.path,
            template=found[0].template if found else None,
            query=dict(request.url.params.multi_items()),
            body=json.loads(request.content) if request.content else None,
            headers={k.lower(): v for k, v in request.headers.items()},
            problems=problems,
        )
        for log in (self, self.also):
            if log is not None:
                log.sent.append(sent)
        if problems:
            pytest.fail(
                f"{request.method} {request.url.path} does not meet Meilisearch's 1.53 spec: "
                + "; ".join(problems),
                pytrace=False,
            )

    def clear(self) -> None:
        self.sent.clear()

    def writes(self) -> list[tuple[str, str]]:
        """(method, path) of each request that changes something, in order; task polls and
        searches left out."""
        return [
            (s.method, s.path)
            for s in self.sent
            if s.method != "GET" and not s.path.endswith("/search") and s.path != "/multi-search"
        ]

    def calls(self, template: str) -> list[SentRequest]:
        return [s for s in self.sent if s.template == template]


SENT = RequestLog()
"""The whole session's requests from backends on the live server."""
