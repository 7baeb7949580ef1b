"""The app's Prometheus metrics, and the labels they may take.

Labels are bounded: an operation name is taken only from the document (never from
variables or the request's `operationName` alone), cut to 64 characters, and once a
process has seen `MAX_OPERATION_NAMES` distinct names, further ones count as
`(other)`; an operation without a name counts as `(anonymous)`, and a request that
ran no operation (it did not parse, say) as `(none)`. Error codes and routes come
from the server, never from the client. Each app builds its own `Metrics`; with
`PROMETHEUS_MULTIPROC_DIR` set, prometheus-client writes every process's values
there and /metrics adds them up (see exposition.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from server.observability.request_facts import RequestFacts

MAX_OPERATION_NAMES = 100
MAX_NAME_LENGTH = 64
NO_OPERATION = "(none)"
ANONYMOUS = "(anonymous)"
OTHER = "(other)"
UNCODED = "(none)"
ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})
"""Paths counted under their own name; any other is `other`."""
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")

# From a cached answer (under a millisecond) to a slow search; seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Every metric the app records, registered in `registry` (a fresh one by default)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self._operation_names: set[str] = set()
        # Each labelled child looked up once: `labels()` validates and locks on every call.
        self._request_children: dict[tuple[str, str, int], Counter] = {}
        self._graphql_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self.http_requests = Counter(
            "cms_http_requests",
            "HTTP requests answered, by route, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.graphql_requests = Counter(
            "cms_graphql_requests",
            "GraphQL requests answered, by operation name and type and HTTP status code.",
            ["operation_name", "operation_type", "status"],
            registry=self.registry,
        )
        self.graphql_duration = Histogram(
            "cms_graphql_request_duration_seconds",
            "Time from a GraphQL request's arrival to its last byte sent.",
            ["operation_name", "operation_type"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.graphql_errors = Counter(
            "cms_graphql_errors",
            "GraphQL errors in answers, by their extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self.search_duration = Histogram(
            "cms_search_duration_seconds",
            "Time the search engine took to answer a search, by engine.",
            ["engine"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._pool: tuple[Gauge, Gauge] | None = None  # made when there is a pool to show

    def operation_label(self, facts: RequestFacts) -> str:
        """The bounded label for the operation a request ran (see the module)."""
        if facts.operation_type is None:
            return NO_OPERATION
        if facts.operation_name is None:
            return ANONYMOUS
        name = facts.operation_name[:MAX_NAME_LENGTH]
        if name not in self._operation_names:
            if len(self._operation_names) >= MAX_OPERATION_NAMES:
                return OTHER
            self._operation_names.add(name)
        return name

    def record_request(self, route: str, method: str, status: int) -> None:
        route = route if route in ROUTES else "other"
        method = method if method in ("GET", "POST", "OPTIONS", "HEAD") else "other"
        key = (route, method, status)
        counter = self._request_children.get(key)
        if counter is None:
            counter = self._request_children[key] = self.http_requests.labels(
                route, method, str(status)
            )
        counter.inc()

    def record_graphql(self, facts: RequestFacts, status: int, seconds: float) -> None:
        name = self.operation_label(facts)
        operation_type = facts.operation_type or NO_OPERATION
        key = (name, operation_type, status)
        children = self._graphql_children.get(key)
        if children is None:
            children = self._graphql_children[key] = (
                self.graphql_requests.labels(name, operation_type, str(status)),
                self.graphql_duration.labels(name, operation_type),
            )
        counter, histogram = children
        counter.inc()
        histogram.observe(seconds)
        for code in facts.error_codes:
            self.graphql_errors.labels(error_code_label(code)).inc()

    def record_search(self, engine: str, seconds: float) -> None:
        self.search_duration.labels(engine).observe(seconds)

    def record_pool(self, figures: tuple[int, int, int] | None) -> None:
        """Sets the pool gauges from (size, idle, max), as Database.pool_figures gives them."""
        if figures is None:
            return
        if self._pool is None:
            # Summed over live processes when several serve (multiprocess mode).
            self._pool = (
                Gauge(
                    "cms_database_pool_connections",
                    "PostgreSQL connections the pool holds, by state (in_use, idle).",
                    ["state"],
                    multiprocess_mode="livesum",
                    registry=self.registry,
                ),
                Gauge(
                    "cms_database_pool_max_connections",
                    "The most PostgreSQL connections the pool may open.",
                    multiprocess_mode="livesum",
                    registry=self.registry,
                ),
            )
        connections, most = self._pool
        size, idle, maximum = figures
        connections.labels("in_use").set(size - idle)
        connections.labels("idle").set(idle)
        most.set(maximum)


def error_code_label(code: str | None) -> str:
    """A server-made error code as it is; an absent or unexpected one as `(none)`/`(other)`."""
    if not code:
        return UNCODED
    return code if _CODE.fullmatch(code) else OTHER


def codes_of(errors: Iterable[object]) -> list[str]:
    """The `extensions.code` of each GraphQL error, as a string ('' for none)."""
    codes = []
    for error in errors:
        extensions = getattr(error, "extensions", None) or {}
        code = extensions.get("code") if isinstance(extensions, dict) else None
        codes.append(code if isinstance(code, str) else "")
    return codes
