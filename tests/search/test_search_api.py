"""Researchers search through GraphQL: hydrated hits, highlights, facets and clear errors."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from cms.app import create_app
from schema.api import build_schema
from schema.context import Context
from search.backend import SearchBackend
from search.service import SearchService
from search.worker import SyncWorker
from server.auth.viewer import ANONYMOUS
from server.database import Database
from server.seeding import seed_directory
from server.settings import Settings
from tests.asgi import running
from tests.seeding.conftest import edit

SEARCH = """
query Search($query: String!, $filter: SearchFilter, $first: Int = 20, $offset: Int = 0,
             $kinds: [SearchKind!]) {
  search(query: $query, filter: $filter, first: $first, offset: $offset, kinds: $kinds,
         facets: [KIND, COMMITTEE, TOPIC, YEAR]) {
    totalHits
    processingTimeMs
    hits {
      __typename
      ... on EventHit {
        score
        event { slug title committee { name } participants { role person { name } } topics { name } }
        highlights { field snippet }
      }
      ... on PersonHit { score person { slug name } highlights { field snippet } }
      ... on TranscriptHit { startMs snippet url event { slug } recording { title } }
    }
    facets { facet values { value label count } }
  }
}
"""

settings = Settings(_env_file=None)


async def run(backend: SearchBackend, **variables: Any) -> Any:
    context = Context.for_request(ANONYMOUS, settings, SearchService(backend))
    return await build_schema(settings).execute(
        SEARCH, variable_values=variables, context_value=context
    )


async def test_a_search_returns_the_panel_with_its_relations_and_highlights(
    seeded_index: SearchBackend,
) -> None:
    result = await run(seeded_index, query="impuntiy", kinds=["EVENT"])

    assert result.errors is None
    search = result.data["search"]
    first = search["hits"][0]
    assert first["__typename"] == "EventHit"
    assert first["event"]["slug"] == "impunity-an-unchanging-rule-in-turkey"
    assert first["event"]["committee"]["name"] == "Human Rights Defenders Committee"
    assert [p["role"] for p in first["event"]["participants"]].count("PANELLIST") == 4
    assert {
        "field": "title",
        "snippet": "<mark>Impunity</mark>: An Unchanging Rule in Turkey",
    } in first["highlights"]
    assert search["totalHits"] >= 1 and search["processingTimeMs"] >= 0


async def test_facets_carry_labels_and_counts(seeded_index: SearchBackend) -> None:
    result = await run(seeded_index, query="human rights", first=100)

    assert result.errors is None
    facets = {f["facet"]: f["values"] for f in result.data["search"]["facets"]}
    kinds = {v["value"]: v for v in facets["KIND"]}
    typenames = [h["__typename"] for h in result.data["search"]["hits"]]
    assert kinds["event"]["count"] == typenames.count("EventHit")
    assert kinds["person"]["label"] == "People"
    assert kinds["person"]["count"] == typenames.count("PersonHit")
    committees = {v["value"]: v["label"] for v in facets["COMMITTEE"]}
    assert committees["human-rights-defenders"] == "Human Rights Defenders Committee"


async def test_people_hits_come_back_as_people(seeded_index: SearchBackend) -> None:
    result = await run(seeded_index, query="Antonio Stango", kinds=["PERSON"])

    assert result.errors is None
    hit = result.data["search"]["hits"][0]
    assert hit == {
        "__typename": "PersonHit",
        "score": hit["score"],
        "person": {"slug": "antonio-stango", "name": "Antonio Stango"},
        "highlights": hit["highlights"],
    }
    assert {"field": "name", "snippet": "<mark>Antonio</mark> <mark>Stango</mark>"} in hit[
        "highlights"
    ]


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"query": ""}, "query", "must contain something to search for"),
        ({"query": "   \t"}, "query", "must contain something to search for"),
        ({"query": "x" * 513}, "query", "at most 512 characters"),
        ({"query": "impunity", "first": 101}, "first", "between 0 and 100"),
        ({"query": "impunity", "offset": -1}, "offset", "at least 0"),
        (
            {"query": "impunity", "filter": {"committees": ["no-such-committee"]}},
            "filter.committees",
            "unknown slug(s): no-such-committee",
        ),
        (
            {"query": "impunity", "filter": {"topics": ["nope"]}},
            "filter.topics",
            "unknown slug(s): nope",
        ),
        (
            {"query": "impunity", "filter": {"people": ["nobody"]}},
            "filter.people",
            "unknown slug(s): nobody",
        ),
        (
            {"query": "impunity", "filter": {"platforms": ["MYSPACE"]}},
            "filter.platforms",
            "unknown platform",
        ),
        (
            {"query": "impunity", "filter": {"yearFrom": 2022, "yearTo": 2020}},
            "filter.yearFrom",
            "not be after",
        ),
    ],
)
async def test_bad_searches_get_clear_errors(
    seeded_index: SearchBackend, variables: dict[str, Any], field: str, message: str
) -> None:
    result = await run(seeded_index, **variables)

    assert result.data is None
    (error,) = result.errors
    assert message in error.message
    assert error.extensions == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_page_of_hits_costs_the_same_queries_as_a_smaller_one(
    seeded_index: SearchBackend, count_queries: Any
) -> None:
    for kinds in (["EVENT"], ["PERSON"]):
        count_queries.reset()
        await run(seeded_index, query="human rights", first=2, kinds=kinds)
        small = count_queries.count
        count_queries.reset()
        result = await run(seeded_index, query="human rights", first=25, kinds=kinds)

        assert len(result.data["search"]["hits"]) >= 5
        assert count_queries.count == small


async def test_facet_labels_are_read_only_when_asked_for(
    seeded_index: SearchBackend, count_queries: Any
) -> None:
    context = Context.for_request(ANONYMOUS, settings, SearchService(seeded_index))
    schema = build_schema(settings)
    counts_only = """{ search(query: "human rights", first: 0, facets: [COMMITTEE, TOPIC, KIND])
                       { facets { facet values { value count } } } }"""
    labelled = counts_only.replace("value count", "value label count")

    count_queries.reset()
    plain = await schema.execute(counts_only, context_value=context)
    without_labels = count_queries.count
    count_queries.reset()
    named = await schema.execute(labelled, context_value=context)

    assert plain.errors is None and named.errors is None
    assert without_labels == 1  # what the index may hold but must not show
    assert count_queries.count == 1 + 2  # committees and topics; kinds are named in code
    labels = {
        f["facet"]: {v["value"]: v["label"] for v in f["values"]}
        for f in named.data["search"]["facets"]
    }
    assert labels["COMMITTEE"]["human-rights-defenders"] == "Human Rights Defenders Committee"
    assert labels["KIND"]["event"] == "Events"
    assert {
        f["facet"]: [v["count"] for v in f["values"]] for f in plain.data["search"]["facets"]
    } == {f["facet"]: [v["count"] for v in f["values"]] for f in named.data["search"]["facets"]}


async def test_an_event_unpublished_but_not_yet_reindexed_is_not_shown(
    db: Database, seed_copy: Path, backend: SearchBackend
) -> None:
    await seed_directory(seed_copy)
    await SyncWorker(backend).drain()
    edit(
        seed_copy / "events/impunity-an-unchanging-rule-in-turkey.md",
        "status: PUBLISHED",
        "status: DRAFT",
    )
    await seed_directory(seed_copy)  # no drain: the index still holds the event

    result = await run(backend, query="impunity", kinds=["EVENT"])

    assert result.errors is None
    slugs = [h["event"]["slug"] for h in result.data["search"]["hits"]]
    assert "impunity-an-unchanging-rule-in-turkey" not in slugs


async def test_the_app_indexes_seeded_content_in_the_background(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    app_settings = Settings(_env_file=None, database_url=db.url, data_dir=tmp_path / "data")
    body = {
        "query": '{ search(query: "desertifcation") { totalHits hits { ... on EventHit { event { slug } } } } }'
    }
    async with running(create_app(app_settings, db)) as client:
        await seed_directory(seeds_dir)
        # The worker writes a batch to the index, then acknowledges it: wait for both.
        for _ in range(200):
            found = (await client.post("/graphql", json=body)).json()["data"]["search"]
            health = (await client.get("/readyz")).json()
            if found["totalHits"] and health["search_backlog"]["size"] == 0:
                break
            await asyncio.sleep(0.05)

    assert found["hits"][0]["event"]["slug"] == "world-day-to-combat-desertification-2021"
    assert health["search_backlog"]["size"] == 0


async def test_date_bounds_narrow_the_events(seeded_index: SearchBackend) -> None:
    query = """
    { search(query: "human rights", kinds: [EVENT], first: 100,
             filter: {dateFrom: "2021-06-01", dateTo: "2021-06-30"}) {
        hits { ... on EventHit { event { slug dates } } } } }
    """
    context = Context.for_request(ANONYMOUS, settings, SearchService(seeded_index))

    result = await build_schema(settings).execute(query, context_value=context)

    assert result.errors is None
    dates = [h["event"]["dates"][0] for h in result.data["search"]["hits"]]
    assert dates and all("2021-06-01" <= d <= "2021-06-30" for d in dates)
