"""/metrics counts requests by GraphQL operation, errors by code, search time by engine,
and shows the search outbox and the database pool, with bounded labels."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from pydantic import SecretStr

from cms.app import create_app
from server.auth.viewer import SYSTEM
from server.content.services import PersonInput, upsert_person
from server.database import Database
from server.indexing import outbox
from server.observability.metrics import MAX_OPERATION_NAMES, Metrics
from server.observability.request_facts import RequestFacts
from server.settings import Environment, Settings
from tests.asgi import running
from tests.factories import make_event
from tests.observability.scrape import Samples, samples, value

EVENT_PAGE = "query EventPage($slug: String!) { event(slug: $slug) { title } }"
SECRET_SLUG = "a-slug-no-label-may-show-4711"
REQUESTS = "cms_graphql_requests_total"
SECONDS = "cms_graphql_request_duration_seconds_count"
ERRORS = "cms_graphql_errors_total"


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_requests_are_counted_and_timed_by_operation_name_and_type(
    db: Database, app_settings: Settings
) -> None:
    event = await make_event(title="Vigil")
    async with running(create_app(app_settings, db)) as client:
        before = await scrape(client)
        for _ in range(3):  # the second and third come from the response cache
            answer = await client.post(
                "/graphql", json={"query": EVENT_PAGE, "variables": {"slug": event.slug}}
            )
            assert answer.json() == {"data": {"event": {"title": "Vigil"}}}
        await client.post(
            "/graphql", json={"query": EVENT_PAGE, "variables": {"slug": SECRET_SLUG}}
        )
        await client.post("/graphql", json={"query": "{ events(first: 1) { totalCount } }"})
        await client.post(
            "/graphql",
            json={
                "query": 'mutation Publish { publishEvent(slug: "x", version: 1) { __typename } }'
            },
        )
        exposition = (await client.get("/metrics")).text
    after = samples(exposition)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    query = {"operation_name": "EventPage", "operation_type": "query"}
    assert moved(REQUESTS, **query, status="200") == 4
    assert moved(SECONDS, **query) == 4
    assert moved(REQUESTS, operation_name="(anonymous)", operation_type="query", status="200") == 1
    mutation = {"operation_name": "Publish", "operation_type": "mutation", "status": "200"}
    assert moved(REQUESTS, **mutation) == 1
    assert moved("cms_http_requests_total", route="/graphql", method="POST", status="200") == 6
    assert (
        value(after, "cms_http_requests_total", route="/metrics", method="GET", status="200") >= 1
    )
    assert SECRET_SLUG not in exposition and event.slug not in exposition


async def test_errors_are_counted_by_their_code(db: Database, app_settings: Settings) -> None:
    async with running(create_app(app_settings, db)) as client:
        before = await scrape(client)
        await client.post(
            "/graphql", json={"query": "query Big { events(first: 5000) { totalCount } }"}
        )
        await client.post("/graphql", json={"query": "query Typo { evnts { totalCount } }"})
        await client.post("/graphql", json={"query": "{ events(first: "})
        after = await scrape(client)

    assert (
        value(after, ERRORS, code="BAD_USER_INPUT") - value(before, ERRORS, code="BAD_USER_INPUT")
        == 1
    )
    # A validation error carries no code; a document that does not parse runs no operation.
    assert value(after, ERRORS, code="(none)") - value(before, ERRORS, code="(none)") == 2
    typo = {"operation_name": "Typo", "operation_type": "query", "status": "200"}
    assert value(after, REQUESTS, **typo) - value(before, REQUESTS, **typo) == 1
    unparsed = {"operation_name": "(none)", "operation_type": "(none)", "status": "200"}
    assert value(after, REQUESTS, **unparsed) - value(before, REQUESTS, **unparsed) == 1


async def test_an_operation_name_the_document_does_not_define_is_never_a_label(
    db: Database, app_settings: Settings
) -> None:
    async with running(create_app(app_settings, db)) as client:
        answer = await client.post(
            "/graphql",
            json={"query": "query Real { __typename }", "operationName": "MadeUpByTheClient"},
        )
        exposition = (await client.get("/metrics")).text

    assert answer.json()["errors"]
    assert "MadeUpByTheClient" not in exposition
    assert (
        value(
            samples(exposition),
            REQUESTS,
            operation_name="(none)",
            operation_type="(none)",
            status="200",
        )
        == 1
    )


def test_operation_names_are_cut_short_and_capped_per_process() -> None:
    metrics = Metrics()
    long_name = "A" * 300
    labels = [
        metrics.operation_label(RequestFacts("id", f"Op{n}", "query"))
        for n in range(MAX_OPERATION_NAMES + 5)
    ]

    assert labels[:MAX_OPERATION_NAMES] == [f"Op{n}" for n in range(MAX_OPERATION_NAMES)]
    assert labels[MAX_OPERATION_NAMES:] == ["(other)"] * 5
    assert metrics.operation_label(RequestFacts("id", "Op3", "query")) == "Op3"  # still known
    assert metrics.operation_label(RequestFacts("id", long_name, "query")) == "(other)"
    assert Metrics().operation_label(RequestFacts("id", long_name, "query")) == "A" * 64


async def test_search_time_is_recorded_by_engine(db: Database, app_settings: Settings) -> None:
    async with running(create_app(app_settings, db)) as client:
        before = await scrape(client)
        answer = await client.post(
            "/graphql", json={"query": '{ search(query: "vigil") { totalHits } }'}
        )
        after = await scrape(client)

    assert answer.json() == {"data": {"search": {"totalHits": 0}}}
    name = "cms_search_duration_seconds_count"
    assert value(after, name, engine="embedded") - value(before, name, engine="embedded") == 1


async def test_the_outbox_backlog_its_age_and_failures_are_read_at_scrape_time(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"search_worker": False})
    async with running(create_app(settings, db)) as client:
        empty = await scrape(client)
        await upsert_person(SYSTEM, PersonInput(slug="ada-quell", name="Ada Quell"))
        await upsert_person(SYSTEM, PersonInput(slug="bo-quell", name="Bo Quell"))
        waiting = await scrape(client)
        await outbox.fail(await outbox.claim(1, timedelta(minutes=1)), "SearchUnavailable: down")
        failing = await scrape(client)

    assert value(empty, "cms_search_outbox_backlog") == 0
    assert value(empty, "cms_search_outbox_oldest_age_seconds") == 0
    assert value(waiting, "cms_search_outbox_backlog") == 2
    assert value(waiting, "cms_search_outbox_oldest_age_seconds") > 0
    assert value(waiting, "cms_search_outbox_failing") == 0
    assert value(failing, "cms_search_outbox_failing") == 1


async def test_the_database_pool_is_shown_where_the_driver_has_one(
    db: Database, app_settings: Settings
) -> None:
    async with running(create_app(app_settings, db)) as client:
        scraped = await scrape(client)

    pooled = ("cms_database_pool_max_connections", frozenset()) in scraped
    if db.url.startswith("postgres"):  # asyncpg's pool
        figures = db.pool_figures()
        assert figures is not None
        assert value(scraped, "cms_database_pool_max_connections") == figures[2]
        in_use = value(scraped, "cms_database_pool_connections", state="in_use")
        idle = value(scraped, "cms_database_pool_connections", state="idle")
        assert in_use + idle >= 1
    else:  # SQLite has no pool to show
        assert db.pool_figures() is None
        assert not pooled


async def test_metrics_are_off_in_production_unless_enabled(db: Database, tmp_path: Path) -> None:
    production = Settings(
        _env_file=None,
        database_url=db.url,
        data_dir=tmp_path / "data",
        environment=Environment.PRODUCTION,
    )
    async with running(create_app(production, db)) as client:
        off = await client.get("/metrics")
    enabled = production.model_copy(update={"metrics_enabled": True})
    async with running(create_app(enabled, db)) as client:
        on = await client.get("/metrics")

    assert off.status_code == 404
    assert on.status_code == 200 and "cms_http_requests_total" in on.text


async def test_a_metrics_token_is_required_when_one_is_set(
    db: Database, app_settings: Settings
) -> None:
    token = "scrape-secret-0123456789"
    settings = app_settings.model_copy(update={"metrics_token": SecretStr(token)})
    async with running(create_app(settings, db)) as client:
        none = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-x"})
        right = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})

    assert (none.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert none.headers["www-authenticate"] == "Bearer"
    assert "cms_http_requests_total" in right.text
    assert token not in repr(settings)
