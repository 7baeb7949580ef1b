"""GraphQL over HTTP as its specification asks, on top of Strawberry's ASGI view.

What this adds to the stock view:
- the response media type follows `Accept`: `application/graphql-response+json`
  when the client prefers it, `application/json` otherwise (and by default);
- with `application/graphql-response+json`, a request that fails before execution
  (parse, validation, a limit, variable coercion, an unknown persisted query) gets
  400; with `application/json` it keeps 200, as the spec asks of legacy clients;
- a response to a request that never executed has no `data` entry;
- an `operationName` the document does not define, or none for a document of
  several operations, is such a request error (see limits/operation_name.py);
- request-level errors (bad JSON, bad parameters, a mutation over GET, which is
  405) are GraphQL-shaped JSON, never a plain-text body or a 500;
- Automatic Persisted Queries, when given a `PersistedQueries` store;
- answers to anonymous reads from a `ResponseCache`, when given one, while the
  content generation they were computed at is current (see response_cache.py);
- Cache-Control, Vary and ETag headers, and 304 to a matching If-None-Match
  (see http_caching.py);
- the operation a request ran and its errors' codes, written into the request's
  `RequestFacts` for its log line and the metrics (server/observability/).
"""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from schema.context import Context
from schema.http_caching import with_cache_headers
from schema.persisted_queries import PersistedQueries, PersistedQueryError
from schema.response_cache import ResponseCache, is_cacheable
from server.content.generation import current_generation
from server.observability.metrics import codes_of
from server.observability.request_facts import facts_of

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
_CACHEABLE = "cms.response_cacheable"
"""Set in the request's scope when its answer may be kept: a query of the database that ran
without errors (see response_cache.py)."""
_CLEAN = "cms.response_clean"
"""Set in the request's scope when its operation ran without errors: its answer may be kept
by HTTP caches when the request is an anonymous GET (see http_caching.py)."""
JSON = "application/json"


def negotiate(accept: str | None) -> str:
    """The media type to answer in: the preferred of the two the client accepts, JSON by default."""
    chosen, chosen_q = JSON, 0.0
    for item in (accept or "").split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media_type = media_type.lower()
        if media_type == GRAPHQL_RESPONSE_JSON:
            candidate = GRAPHQL_RESPONSE_JSON
        elif media_type in (JSON, "application/*", "*/*"):
            candidate = JSON
        else:
            continue
        if q > chosen_q:
            chosen, chosen_q = candidate, q
    return chosen


def is_request_error(result: ExecutionResult) -> bool:
    """Whether the request failed before execution: no data, and no error with a path."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


class GraphQLOverHTTP(GraphQL[Context, None]):
    """Strawberry's ASGI view, speaking the GraphQL-over-HTTP specification (see the module)."""

    persisted_queries: PersistedQueries | None = None
    response_cache: ResponseCache | None = None
    http_cache_max_age = 0
    """Seconds an anonymous GET's answer may be kept by HTTP caches."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        key = generation = None
        database = getattr(request.state, "database", None)
        if self.response_cache is not None and database is not None:
            key = await self.response_cache.key_for(
                request, negotiate(request.headers.get("accept"))
            )
            if key is not None:
                try:
                    # Read before the content is: the answer is then at least this new.
                    generation = await current_generation(database.connection())
                except Exception:  # noqa: BLE001 - the request itself meets and reports it
                    key = None
            if key is not None and generation is not None:
                cached = self.response_cache.get(key, generation)
                if cached is not None:
                    operation = self.response_cache.operation(key)
                    if operation is not None and (facts := facts_of(scope)) is not None:
                        facts.ran(*operation)
                    cached = with_cache_headers(
                        request, cached, clean=True, max_age=self.http_cache_max_age
                    )
                    await cached(scope, receive, send)
                    return
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = self.error_response(request, error.status_code, error.reason)
        if (
            key is not None
            and generation is not None
            and scope.get(_CACHEABLE)
            and response.status_code == 200
        ):
            assert self.response_cache is not None
            facts = facts_of(scope)
            operation = (
                (facts.operation_name, facts.operation_type)
                if facts is not None and facts.operation_type is not None
                else None
            )
            self.response_cache.put(key, generation, response, operation)
        response = with_cache_headers(
            request, response, clean=bool(scope.get(_CLEAN)), max_age=self.http_cache_max_age
        )
        await response(scope, receive, send)

    def error_response(self, request: Request, status_code: int, message: str) -> Response:
        """A request-level error as a GraphQL response body, in the media type the client takes."""
        # A 405 here is a mutation sent over GET: only POST can carry it.
        headers = {"allow": "POST"} if status_code == 405 else None
        return Response(
            self.encode_json({"errors": [{"message": message}]}),
            status_code=status_code,
            headers=headers,
            media_type=negotiate(request.headers.get("accept")),
        )

    def encode_json(self, data: object) -> str | bytes:
        # orjson encodes a page of search hits several times faster; anything it cannot
        # encode (an integer beyond 64 bits in a JSON scalar, say) goes the standard way.
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return super().encode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        # Strawberry lets a body of invalid UTF-8, nesting deeper than the
        # interpreter's stack, or a bare scalar through to a 500.
        try:
            value = self.decode_json(data)
        except (ValueError, RecursionError) as error:
            raise HTTPException(400, "Unable to parse request body as JSON") from error
        if value is None:
            return {}
        if not isinstance(value, (dict, list)):
            raise HTTPException(400, "Expected a JSON object.")
        return value

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET with only a persisted query's hash is a query, not a browser visit.
        return (
            super().should_render_graphql_ide(request)
            and request.query_params.get("extensions") is None
        )

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]  # HTTP only
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept"))
        return sub_response

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        result = await self._execute_one(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        if result.errors and (facts := facts_of(request.scope)) is not None:
            facts.error_codes = codes_of(result.errors)
        return result

    async def _execute_one(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            request_data, digest = self._with_persisted_query(request_data)
        except PersistedQueryError as error:
            # Not cacheable: the client is about to register the document.
            sub_response.headers["cache-control"] = "no-store"
            return PreExecutionError(data=None, errors=[error])
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            if isinstance(error.__cause__, CannotGetOperationTypeError):
                # An operationName the document does not define: a GraphQL request
                # error like a validation error, so it gets the same status codes.
                return PreExecutionError(data=None, errors=[GraphQLError(error.reason)])
            if request_adapter.method == "GET" and isinstance(
                error.__cause__, InvalidOperationTypeError
            ):
                raise HTTPException(405, error.reason) from error
            raise
        if not result.errors:
            request.scope[_CLEAN] = True
        if digest is not None and request_data.query and not is_request_error(result):
            assert self.persisted_queries is not None
            self.persisted_queries.remember(digest, request_data.query)
        if (
            self.response_cache is not None
            and not result.errors
            and request_data.query
            and is_cacheable(request_data.query, request_data.operation_name)
        ):
            request.scope[_CACHEABLE] = True
        return result

    def _with_persisted_query(
        self, request_data: GraphQLRequestData
    ) -> tuple[GraphQLRequestData, str | None]:
        if self.persisted_queries is not None:
            return self.persisted_queries.resolve(request_data)
        if request_data.query is None and "persistedQuery" in (request_data.extensions or {}):
            raise PersistedQueryError("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
        return request_data, None

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.headers["content-type"] = media_type
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and isinstance(response_data, dict)
            and "data" not in response_data
            and not sub_response.status_code
        ):
            response.status_code = 400
        return response
