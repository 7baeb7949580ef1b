"""Every request gets an id, returned in X-Request-ID, and one log line that says what ran
and how it went, never a token or a variable's value."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlencode

import pytest

from cms.app import create_app
from server.auth.viewer import Role
from server.database import Database
from server.observability.logs import JsonFormatter, TextFormatter, logging_config
from server.settings import Environment, LogFormat, Settings
from tests.asgi import running
from tests.auth.conftest import bearer, make_token

FRESH_ID = re.compile(r"[0-9a-f]{32}")
EVENT_PAGE = "query EventPage($slug: String!) { event(slug: $slug) { title } }"
VARIABLE_VALUE = "a-variable-value-no-log-may-show"


async def test_a_sane_request_id_is_kept_and_returned(db: Database, app_settings: Settings) -> None:
    async with running(create_app(app_settings, db)) as client:
        given = "7f0c2a1e-1b7d-4c55-9d0e-trace:01/ab+=@x"
        kept = await client.get("/healthz", headers={"X-Request-ID": given})
        first = await client.get("/healthz")
        second = await client.post("/graphql", json={"query": "{ __typename }"})

    assert kept.headers["x-request-id"] == given
    assert FRESH_ID.fullmatch(first.headers["x-request-id"])
    assert FRESH_ID.fullmatch(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    "refused",
    ["", "has space", "x" * 129, "<script>", "-leading-dash", 'quote"d', "semi;colon", "é"],
)
async def test_an_unusable_request_id_is_replaced(
    db: Database, app_settings: Settings, refused: str
) -> None:
    async with running(create_app(app_settings, db)) as client:
        response = await client.get(
            "/healthz", headers=[(b"x-request-id", refused.encode("utf-8"))]
        )

    assert FRESH_ID.fullmatch(response.headers["x-request-id"])


async def test_each_request_logs_one_json_line_without_tokens_or_variables(
    db: Database, app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    secret = (await make_token("editor", Role.EDITOR)).secret
    caplog.set_level(logging.INFO)
    async with running(create_app(app_settings, db)) as client:
        caplog.clear()
        post = await client.post(
            "/graphql",
            json={"query": EVENT_PAGE, "variables": {"slug": VARIABLE_VALUE}},
            headers={**bearer(secret), "X-Request-ID": "req-post-1"},
        )
        query = urlencode({"query": EVENT_PAGE, "variables": json.dumps({"slug": VARIABLE_VALUE})})
        get = await client.get(f"/graphql?{query}", headers={"X-Request-ID": "req-get-2"})

    formatter = JsonFormatter()
    # The server's lines; the test's own HTTP client logs the URLs it calls.
    server_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    lines = [formatter.format(record) for record in server_records]
    requests = [
        json.loads(line)
        for line, record in zip(lines, server_records, strict=True)
        if record.name == "cms.requests"
    ]

    assert (post.status_code, get.status_code) == (200, 200)
    assert [line["request_id"] for line in requests] == ["req-post-1", "req-get-2"]
    first, second = requests
    assert first["operation_name"] == "EventPage"
    assert first["operation_type"] == "query"
    assert (first["method"], first["path"], first["status"]) == ("POST", "/graphql", 200)
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] > 0
    assert (first["level"], first["logger"]) == ("INFO", "cms.requests")
    assert (second["method"], second["path"]) == ("GET", "/graphql")  # no query string
    everything = "\n".join(lines)
    assert secret not in everything and secret[:12] not in everything
    assert VARIABLE_VALUE not in everything


async def test_a_request_s_errors_are_logged_by_code(
    db: Database, app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cms.requests")
    async with running(create_app(app_settings, db)) as client:
        caplog.clear()
        await client.post("/graphql", json={"query": "{ events(first: 5000) { totalCount } }"})

    [record] = [r for r in caplog.records if r.name == "cms.requests"]
    line = json.loads(JsonFormatter().format(record))
    assert line["operation_name"] is None and line["operation_type"] == "query"
    assert line["error_codes"] == ["BAD_USER_INPUT"]


async def test_probes_are_logged_at_debug_only(
    db: Database, app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="cms.requests")
    async with running(create_app(app_settings, db)) as client:
        caplog.clear()
        await client.get("/healthz")
        await client.get("/readyz")

    logged = [(r.levelname, r.__dict__["path"]) for r in caplog.records if r.name == "cms.requests"]
    assert logged == [("DEBUG", "/healthz"), ("DEBUG", "/readyz")]


def test_lines_logged_during_a_request_carry_its_id() -> None:
    from server.observability.request_id import current_request_id

    record = logging.LogRecord("cms.test", logging.WARNING, __file__, 1, "slow: %s", ("x",), None)
    token = current_request_id.set("req-9")
    try:
        line = json.loads(JsonFormatter().format(record))
        text = TextFormatter().format(record)
    finally:
        current_request_id.reset(token)

    assert (line["message"], line["request_id"], line["level"]) == ("slow: x", "req-9", "WARNING")
    assert text.endswith("cms.test: slow: x [req-9]")


def test_json_is_the_default_log_format_in_production_only() -> None:
    development = Settings(_env_file=None)
    production = Settings(_env_file=None, environment=Environment.PRODUCTION)
    chosen = Settings(_env_file=None, environment=Environment.PRODUCTION, log_format="text")

    assert development.resolved_log_format is LogFormat.TEXT
    assert production.resolved_log_format is LogFormat.JSON
    assert chosen.resolved_log_format is LogFormat.TEXT
    formatter = logging_config(production)["formatters"]["default"]["()"]
    assert formatter == "server.observability.logs.JsonFormatter"


def test_an_unknown_log_level_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="log_level"):
        Settings(_env_file=None, log_level="chatty")


async def test_pages_on_allowed_origins_may_send_and_read_the_request_id(
    db: Database, app_settings: Settings
) -> None:
    site = "https://site.example"
    settings = app_settings.model_copy(update={"cors_allowed_origins": [site]})
    preflight_headers = {
        "origin": site,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-request-id",
    }
    async with running(create_app(settings, db)) as client:
        preflight = await client.options("/graphql", headers=preflight_headers)
        answer = await client.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": site, "X-Request-ID": "from-the-page"},
        )

    assert preflight.status_code == 200
    assert "x-request-id" in preflight.headers["access-control-allow-headers"].lower()
    assert answer.headers["x-request-id"] == "from-the-page"
    assert answer.headers["access-control-expose-headers"].lower() == "x-request-id"
