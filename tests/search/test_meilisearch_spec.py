"""The Meilisearch backend's requests, against the live server and Meilisearch 1.53's spec.

Every request a backend on the live test server sends is validated against the vendored
OpenAPI spec as it is sent, strictly (unknown body properties forbidden), and a request
the spec does not describe fails the test that sent it (tests/search/meilisearch_requests.py).
Here: that the checks are that strict, what the backend sends for each operation and what
the server makes of it, and how every kind of failure reaches the caller.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from search.backend import Document, SearchUnavailable
from search.documents import HIGHLIGHT_FIELDS, SEARCHABLE_FIELDS
from search.meilisearch import MeilisearchBackend
from search.meilisearch_filters import events_filter, quote, search_filter
from search.meilisearch_plan import PARTIAL_WEIGHT, PlannedQuery, query_plan, synonym_queries
from search.meilisearch_query import (
    index_settings,
    parse_version,
    ranking_rules,
    supported_version,
)
from search.query import DocumentKind, Facet, Highlight, SearchFilter, SearchRequest
from search.text import normalise_synonyms
from tests.processes import free_port
from tests.search.conftest import admin_client, delete_indexes, document, meilisearch_backend
from tests.search.meilisearch_filter_syntax import parse_filter
from tests.search.meilisearch_requests import SENT, RequestLog
from tests.search.meilisearch_server import MeilisearchServer, meilisearch_server
from tests.search.openapi_spec import SPEC_FILE, OpenApiSpec, load_spec

SEARCH = "/indexes/{index_uid}/search"
SETTINGS = "/indexes/{index_uid}/settings"
DOCUMENTS = "/indexes/{index_uid}/documents"
TRICKY_VALUES = [
    'say "hi"',
    "back\\slash",
    "ends with a backslash\\",
    'x" OR committee = "y\\ AND',
    "AND",
    "OR",
    "a AND b OR NOT c",
    '\\"',
]


@pytest.fixture(scope="module")
def spec() -> OpenApiSpec:
    return load_spec()


@pytest.fixture
def requests() -> RequestLog:
    """The requests of the test's backend, each checked against the spec as it was sent."""
    return RequestLog()


@pytest.fixture
async def meili(
    meilisearch: MeilisearchServer, requests: RequestLog
) -> AsyncIterator[MeilisearchBackend]:
    """An opened backend on a fresh index of the live server; the requests that opened it
    are forgotten, and the index is deleted afterwards."""
    backend = meilisearch_backend(meilisearch, requests, index=f"test_spec_{uuid.uuid4().hex[:10]}")
    await backend.open()
    requests.clear()
    yield backend
    await backend.close()
    await delete_indexes(meilisearch, backend.index)


async def batches(*groups: Sequence[Document]) -> AsyncIterator[Sequence[Document]]:
    for group in groups:
        yield group


async def _server_index(server: MeilisearchServer, uid: str) -> dict[str, Any] | None:
    async with admin_client(server) as admin:
        answer = await admin.get(f"/indexes/{uid}")
    return None if answer.status_code == 404 else dict(answer.json())


def _declared_part(kept: Any, declared: Any) -> Any:
    """What the server keeps of each declared setting (it adds its defaults beside them)."""
    if isinstance(declared, dict) and declared and isinstance(kept, dict):
        return {k: _declared_part(kept.get(k), v) for k, v in declared.items()}
    return kept


async def _index_uids(server: MeilisearchServer, prefix: str) -> list[str]:
    async with admin_client(server) as admin:
        answer = (await admin.get("/indexes", params={"limit": 1000})).json()
    return [i["uid"] for i in answer["results"] if i["uid"].startswith(prefix)]


# -- the vendored spec and the strictness of the checks ----------------------------------


def test_the_spec_and_its_licence_are_vendored_side_by_side() -> None:
    licence = SPEC_FILE.parent / "LICENSE"
    assert json.loads(SPEC_FILE.read_text())["info"]["version"] == "1.53.0"
    assert "MIT License" in licence.read_text() and "Meili SAS" in licence.read_text()


def test_a_misspelt_parameter_fails_validation(spec: OpenApiSpec) -> None:
    misspelt_search = {"q": "climate", "hitsPerpage": 5}
    misspelt_settings = {"typoTolerance": {"minWordSizeForTypo": {"oneTypo": 5}}}

    assert any("hitsPerpage" in p for p in spec.body_problems("POST", SEARCH, misspelt_search))
    assert any(
        "minWordSizeForTypo" in p for p in spec.body_problems("PATCH", SETTINGS, misspelt_settings)
    )
    assert spec.body_problems("POST", SEARCH, {"q": "climate", "cropLength": "30"}) != []
    assert spec.body_problems("POST", SEARCH, {"q": "climate", "hitsPerPage": 5}) == []
    # The spec as published would have let both misspellings through.
    assert spec.published_body_problems("POST", SEARCH, misspelt_search) == []
    assert spec.published_body_problems("PATCH", SETTINGS, misspelt_settings) == []


def test_the_spec_erratum_on_facets_is_still_needed() -> None:
    as_published = OpenApiSpec(json.loads(SPEC_FILE.read_text()), errata={})

    # The published schema wants {"patterns": [...]}; the server reads a plain list.
    assert as_published.body_problems("POST", SEARCH, {"q": "x", "facets": ["kind"]}) != []
    assert (
        as_published.body_problems("POST", SEARCH, {"q": "x", "facets": {"patterns": ["kind"]}})
        == []
    )


async def test_a_request_outside_the_spec_fails_the_test_that_sends_it(
    meili: MeilisearchBackend, requests: RequestLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.meilisearch_query as query_module

    http = meili.client.http_client
    for bad in (
        http.post(f"/indexes/{meili.index}/serch", json={"q": "x"}),  # no such route
        http.put(f"/indexes/{meili.index}/search", json={"q": "x"}),  # no such method
        http.get(f"/indexes/{meili.index}", params={"limt": "5"}),  # undeclared parameter
        http.get("/tasks/not-a-number"),  # path parameter of the wrong type
        http.post(f"/indexes/{meili.index}/search", json={"q": "x", "limit": -1}),
    ):
        with pytest.raises(pytest.fail.Exception):
            await bad

    search_body = query_module.search_body
    monkeypatch.setattr(
        query_module,
        "search_body",
        lambda *a: {**search_body(*a), "attributesToHiglight": ["title"]},
    )
    with pytest.raises(pytest.fail.Exception, match="attributesToHiglight"):
        await meili.search(SearchRequest("x"))
    assert len([s for s in requests.sent if s.problems]) == 6
    SENT.sent[:] = [s for s in SENT.sent if not s.problems]  # refused on purpose, not sent


async def test_a_misspelt_setting_is_refused_before_it_is_sent(
    meili: MeilisearchBackend, requests: RequestLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.meilisearch as module

    index_settings = module.index_settings

    def misspelt_settings(version: Any) -> dict[str, Any]:
        settings = index_settings(version)
        settings["typoTolerance"]["minWordSizeForTypo"] = {"oneTypo": 5}
        return settings

    monkeypatch.setattr(module, "index_settings", misspelt_settings)
    # The SDK's settings model would drop the unknown key; the backend refuses instead.
    with pytest.raises(ValueError, match="typoTolerance"):
        await meili.open()
    assert requests.writes() == []


@pytest.mark.parametrize("version", [(1, 21), (1, 35), (1, 36), (1, 53)])
def test_the_settings_of_every_supported_release_meet_the_spec(
    spec: OpenApiSpec, version: tuple[int, int]
) -> None:
    settings = index_settings(version)

    assert spec.body_problems("PATCH", SETTINGS, settings) == []
    assert ("attributeRank" in settings["rankingRules"]) is (version >= (1, 36))
    assert ("attribute" in settings["rankingRules"]) is (version < (1, 36))


# -- open ----------------------------------------------------------------------------------


async def test_open_creates_the_index_and_declares_its_settings(
    meilisearch: MeilisearchServer, requests: RequestLog
) -> None:
    backend = meilisearch_backend(meilisearch, requests, index=f"test_open_{uuid.uuid4().hex[:8]}")
    uid = backend.index
    try:
        await backend.open()
        async with admin_client(meilisearch) as admin:
            kept = (await admin.get(f"/indexes/{uid}/settings")).json()
        index = await _server_index(meilisearch, uid)
    finally:
        await backend.close()
        await delete_indexes(meilisearch, uid)

    assert requests.writes() == [
        ("POST", "/indexes"),
        ("PATCH", f"/indexes/{uid}/settings"),
        ("POST", "/keys"),  # the search-only key (tests/search/test_meilisearch_keys.py)
    ]
    assert requests.calls("/indexes")[0].body == {"uid": uid, "primaryKey": "id"}
    settings = requests.calls(SETTINGS)[-1].body
    assert settings == index_settings(parse_version(meilisearch.version))
    assert settings["searchableAttributes"][:2] == ["title", "name"]  # ranking order kept
    assert settings["synonyms"] == {}  # expanded in the query plan instead
    assert _declared_part(kept, settings) == settings  # as the server keeps them
    assert index is not None and index["primaryKey"] == "id"
    assert all(s.headers["authorization"] == f"Bearer {meilisearch.key}" for s in requests.sent)


async def test_open_on_an_existing_index_only_declares_the_settings(
    meili: MeilisearchBackend, requests: RequestLog
) -> None:
    await meili.open()

    assert requests.writes() == [("PATCH", f"/indexes/{meili.index}/settings")]


async def test_processes_opening_the_same_new_index_at_once_all_succeed(
    meilisearch: MeilisearchServer,
) -> None:
    uid = f"test_race_{uuid.uuid4().hex[:8]}"
    backends = [meilisearch_backend(meilisearch, index=uid) for _ in range(3)]
    try:
        await asyncio.gather(*(b.open() for b in backends))
        await backends[0].apply(upserts=[document("event-1", title="Raced", event_id=1)])
        found = await backends[2].search(SearchRequest("raced"))
        async with admin_client(meilisearch) as admin:
            creations = (
                await admin.get("/tasks", params={"indexUids": uid, "types": "indexCreation"})
            ).json()["results"]
    finally:
        for backend in backends:
            await backend.close()
        await delete_indexes(meilisearch, uid)

    assert [h.id for h in found.hits] == ["event-1"]
    # Those that saw it missing asked to create it (all of them, unless one was slow
    # enough to find it made); the server made it once and refused the others.
    outcomes = sorted((t["status"], (t["error"] or {}).get("code")) for t in creations)
    assert outcomes[-1] == ("succeeded", None)
    assert outcomes[:-1] == [("failed", "index_already_exists")] * (len(outcomes) - 1)
    assert 1 <= len(outcomes) <= 3


def test_a_release_older_than_the_floor_is_refused_by_name() -> None:
    assert supported_version("1.21.0") == (1, 21)
    assert supported_version("1.53.0-rc.1") == (1, 53)
    with pytest.raises(ValueError, match=r"1\.20\.4 is older than 1\.21"):
        supported_version("1.20.4")
    with pytest.raises(ValueError, match="not a Meilisearch version"):
        supported_version("latest")


async def test_the_server_s_own_release_is_supported_and_asked_once(
    meili: MeilisearchBackend, meilisearch: MeilisearchServer, requests: RequestLog
) -> None:
    assert await meili.version() == parse_version(meilisearch.version)
    assert await meili.version() == parse_version(meilisearch.version)

    assert requests.calls("/version") == []  # asked when it opened, not again
    assert (
        ranking_rules(await meili.version())
        == index_settings(await meili.version())["rankingRules"]
    )


async def test_writes_prepare_the_index_when_the_engine_was_down_at_open(
    meilisearch: MeilisearchServer, tmp_path: Path
) -> None:
    if meilisearch.url.rsplit(":", 1)[0] != "http://127.0.0.1":
        pytest.skip("starts a second server of its own, which MEILI_URL rules out")
    port = free_port()
    backend = MeilisearchBackend(f"http://127.0.0.1:{port}", "key-of-the-later-server")
    SENT.attach(backend.client.http_client)
    with pytest.raises(SearchUnavailable, match="ConnectError"):
        await backend.open()

    with meilisearch_server(tmp_path, port=port, key="key-of-the-later-server"):
        await backend.apply(upserts=[document("event-1", title="Climate", event_id=1)])
        found = await backend.search(SearchRequest("climate"))
        await backend.close()

    assert [h.id for h in found.hits] == ["event-1"]


def test_a_query_naming_a_synonym_is_also_asked_with_each_synonym_in_its_place() -> None:
    groups = normalise_synonyms([["Magnitsky", "global human rights sanctions"], ["UN", "UNO"]])

    assert synonym_queries("climate", groups) == []
    assert synonym_queries("Global human rights sanctions ", groups) == ['"magnitsky" ']
    assert synonym_queries('magnitsky un "asset freeze" -russia rep', groups) == [
        '"asset freeze" -russia "global human rights sanctions" un rep',
        '"asset freeze" -russia magnitsky "uno" rep',  # "rep" is still a prefix
    ]
    assert synonym_queries("cases under magnitsky", groups) == [
        'cases under "global human rights sanctions" '
    ]


def test_a_query_of_several_words_is_also_asked_without_each_of_them() -> None:
    plan = query_plan("bone marrow transpl", ())

    assert [(p.q, p.matching_strategy, p.weight) for p in plan] == [
        ("bone marrow transpl", "last", 1.0),  # every word, the last a prefix
        ("marrow transpl ", "all", PARTIAL_WEIGHT),  # all but one, each word whole
        ("bone transpl ", "all", PARTIAL_WEIGHT),
        ("bone marrow ", "all", PARTIAL_WEIGHT),
    ]
    # Only documents holding all three words reach two thirds with `last`.
    assert plan[0].threshold is not None and 2 / 3 < plan[0].threshold < 2 / 3 + 1e-9
    assert query_plan("marrow ", ()) == [PlannedQuery("marrow ", "all", 1.0)]


# -- apply and documents -------------------------------------------------------------------


async def test_apply_deletes_by_event_and_id_then_upserts(
    meili: MeilisearchBackend, requests: RequestLog
) -> None:
    await meili.apply(
        upserts=[
            document("event-1", title="One", event_id=1),
            document("passage-5-0", text="one", event_id=1, recording_id=5, start_ms=0),
            document("event-2", title="Two", event_id=2),
            document("person-3", kind="person", name="Three", person_id=3),
        ]
    )
    requests.clear()

    await meili.apply(
        upserts=[document("event-4", title="Four", event_id=4)],
        delete_ids=["person-3"],
        delete_event_ids=[1, 7],
    )

    documents = f"/indexes/{meili.index}/documents"
    assert requests.writes() == [
        ("POST", f"{documents}/delete"),
        ("POST", f"{documents}/delete-batch"),
        ("POST", documents),
    ]
    delete, batch, upsert = (s.body for s in requests.sent if s.method == "POST")
    assert delete == {"filter": "event_id IN [1, 7]"}
    assert batch == ["person-3"]
    assert [d["id"] for d in upsert] == ["event-4"]
    assert [d["id"] for d in await meili.documents()] == ["event-2", "event-4"]


async def test_nothing_to_apply_sends_nothing(
    meili: MeilisearchBackend, requests: RequestLog
) -> None:
    await meili.apply()

    assert requests.sent == []


async def test_documents_pages_through_the_whole_index_sorted_by_id(
    meili: MeilisearchBackend, requests: RequestLog
) -> None:
    ids = [f"event-{i}" for i in range(2500, 0, -1)]
    await meili.apply(upserts=[document(doc_id, event_id=i) for i, doc_id in enumerate(ids)])
    requests.clear()

    found = await meili.documents()

    assert [d["id"] for d in found] == sorted(ids)
    assert [s.query for s in requests.calls(DOCUMENTS) if s.method == "GET"] == [
        {"offset": "0", "limit": "1000"},
        {"offset": "1000", "limit": "1000"},
        {"offset": "2000", "limit": "1000"},
    ]


# -- search --------------------------------------------------------------------------------


async def test_search_sends_filters_facets_paging_and_highlighting(
    meili: MeilisearchBackend,
    requests: RequestLog,
) -> None:
    await meili.apply(
        upserts=[
            document(
                f"event-{i}",
                title=f"Climate {i}",
                committee="env",
                topics=["climate"],
                platform="ZOOM",
                year=2020 + i % 2,
                date=20200101 + i,
                event_id=i,
            )
            for i in range(1, 6)
        ]
        + [document("event-9", title="Climate", committee="other", event_id=9, year=2020)]
    )
    request = SearchRequest(
        "climate",
        filter=SearchFilter(
            kinds=(DocumentKind.EVENT,),
            committees=("env",),
            topics=("climate",),
            platforms=("ZOOM",),
            year_from=2020,
            year_to=2021,
            date_from=date(2020, 1, 1),
            date_to=date(2020, 12, 31),
        ),
        facets=(Facet.COMMITTEE, Facet.YEAR, Facet.KIND),
        limit=2,
        offset=2,
    )

    result = await meili.search(request)

    (sent,) = requests.calls(SEARCH)
    body = sent.body
    assert body["q"] == "climate"
    assert (body["page"], body["hitsPerPage"]) == (2, 2)
    assert body["filter"] == (
        'kind IN ["event"] AND committee IN ["env"] AND topics IN ["climate"] AND '
        'platform IN ["ZOOM"] AND year >= 2020 AND year <= 2021 AND date >= 20200101 AND '
        "date <= 20201231"
    )
    assert body["facets"] == ["committee", "year", "kind"]
    assert body["showRankingScore"] is True
    assert body["showMatchesPosition"] is True  # to find the cue a passage's hit points at
    assert {"text", "speaker_names", "speaker_ids", "cues"} <= set(body["attributesToRetrieve"])
    assert body["attributesToHighlight"] == list(
        dict.fromkeys(f for fields in HIGHLIGHT_FIELDS.values() for f in fields)
    )
    assert body["attributesToCrop"] == ["text", "body", "bio", "summary", "outcomes"]
    assert body["cropLength"] == 30
    for tag in (body["highlightPreTag"], body["highlightPostTag"]):
        assert tag not in ("<em>", "</em>") and not set("<>&\"'") & set(tag)
    assert result.total_hits == 5  # exact: totalHits of the page-based answer
    assert [h.id for h in result.hits] == ["event-3", "event-4"]  # the second page of 2
    assert result.facets == {
        Facet.COMMITTEE: {"env": 5},
        Facet.YEAR: {"2020": 2, "2021": 3},
        Facet.KIND: {"event": 5},
    }
    assert result.processing_time_ms >= 0


async def test_a_search_without_filters_or_facets_sends_neither(
    meili: MeilisearchBackend, requests: RequestLog
) -> None:
    await meili.apply(upserts=[document("event-1", title="Anything", event_id=1)])

    result = await meili.search(SearchRequest("anything", limit=0))

    body = requests.calls(SEARCH)[0].body
    assert "filter" not in body and "facets" not in body
    assert body["hitsPerPage"] == 0
    assert (result.total_hits, result.hits, result.facets) == (1, [], {})


async def test_withheld_events_and_people_are_filtered_out_of_hits_and_facets(
    meili: MeilisearchBackend,
    requests: RequestLog,
) -> None:
    await meili.apply(
        upserts=[
            document("event-1", title="Climate", committee="env", event_id=1),
            document("event-2", title="Climate", committee="secret", event_id=2),
            document("passage-7-0", text="Climate talk", event_id=2, recording_id=7, start_ms=0),
            document("person-3", name="Climate Person", person_id=3),
            document("person-4", name="Climate Kept", person_id=4),
        ]
    )
    request = SearchRequest(
        "climate",
        filter=SearchFilter(withheld_events=(2,), withheld_people=(3,)),
        facets=(Facet.COMMITTEE, Facet.KIND),
    )

    result = await meili.search(request)

    assert requests.calls(SEARCH)[0].body["filter"] == (
        "event_id NOT IN [2] AND person_id NOT IN [3]"
    )
    assert sorted(h.id for h in result.hits) == ["event-1", "person-4"]
    assert result.total_hits == 2
    assert result.facets == {Facet.COMMITTEE: {"env": 1}, Facet.KIND: {"event": 1, "person": 1}}


async def test_hits_carry_their_fields_score_and_marked_escaped_highlights(
    meili: MeilisearchBackend,
    requests: RequestLog,
) -> None:
    await meili.apply(
        upserts=[
            document(
                "event-1",
                title="Desertification <script>alert(1)</script>",
                body="Land & water: desertification spreads.",
                place="Desertification Hall",
                participant_names=["Desert Fox", "Ana", "Desertina"],
                event_id=1,
            ),
            document(
                "passage-4-30000",
                # Meilisearch reads a word glued to markup as part of one token: spaced here.
                text="Welcome. On <b> desertification </b> & drought",
                event_id=1,
                recording_id=4,
                start_ms=30000,
                speaker_names=["Bo", "Ana"],
                speaker_ids=[None, 8],
                cues=[[0, 30000, 0], [9, 34500, 1]],
            ),
            document(
                "person-2",
                kind="person",
                name="Dana",
                bio="Writes on <mark> deserts </mark>",
                affiliations=["Desert Institute", "Water Board"],
                person_id=2,
            ),
        ]
    )

    result = await meili.search(SearchRequest("desert"))

    event, passage, person = sorted(result.hits, key=lambda h: h.id)
    assert event.kind is DocumentKind.EVENT and event.event_id == 1
    assert event.score > 0
    assert event.highlights == (
        Highlight("title", "<mark>Desertification</mark> &lt;script&gt;alert(1)&lt;/script&gt;"),
        Highlight("body", "Land &amp; water: <mark>desertification</mark> spreads."),
        Highlight("participant_names", "<mark>Desert</mark> Fox · <mark>Desertina</mark>"),
    )  # in HIGHLIGHT_FIELDS order; `place` is no highlight field, summary had no match
    # The passage starts at 30 s with Bo; the matched word is in Ana's cue, at 34.5 s.
    assert (passage.kind, passage.recording_id, passage.start_ms) == (
        DocumentKind.TRANSCRIPT,
        4,
        34500,
    )
    assert (passage.speaker_name, passage.speaker_id) == ("Ana", 8)
    assert passage.highlights == (
        Highlight(
            "text", "Welcome. On &lt;b&gt; <mark>desertification</mark> &lt;/b&gt; &amp; drought"
        ),
    )
    assert person.person_id == 2 and person.kind is DocumentKind.PERSON
    assert person.highlights == (
        Highlight("bio", "Writes on &lt;mark&gt; <mark>deserts</mark> &lt;/mark&gt;"),
        Highlight("affiliations", "<mark>Desert</mark> Institute"),
    )  # a literal <mark> in the source stays text


async def test_a_passage_hit_finds_its_cue_from_byte_offsets(
    meili: MeilisearchBackend,
    requests: RequestLog,
) -> None:
    # Meilisearch says where words match in UTF-8 bytes: "Tidal" starts at character 27
    # but at byte 34, which read as characters would be the third cue's start.
    text = "Café — naïve crème brûlée. Tidal. Oui."
    await meili.apply(
        upserts=[
            document(
                "passage-4-0",
                text=text,
                event_id=1,
                recording_id=4,
                start_ms=0,
                speaker_names=["Wren Halloway", "Tobiah Quell"],
                speaker_ids=[None, 7],
                cues=[[0, 0, 0], [27, 5000, 1], [34, 9000, None]],
            )
        ]
    )

    (word,) = (await meili.search(SearchRequest("tidal"))).hits
    (name,) = (await meili.search(SearchRequest("tobiah"))).hits

    assert (text.index("Tidal"), len(text[:27].encode()), text.index("Oui")) == (27, 34, 34)
    assert (word.start_ms, word.speaker_name, word.speaker_id) == (5000, "Tobiah Quell", 7)
    # A match in a speaker's name (which one, Meilisearch says in `indices`) points at
    # that speaker's first cue.
    assert (name.start_ms, name.speaker_name) == (5000, "Tobiah Quell")


async def test_long_fields_come_back_cropped(
    meili: MeilisearchBackend,
    requests: RequestLog,
) -> None:
    words = " ".join(f"word{i}" for i in range(300))
    await meili.apply(
        upserts=[
            document(
                "passage-1-0",
                text=f"{words} impunity {words}",
                event_id=1,
                recording_id=1,
                start_ms=0,
            )
        ]
    )

    (hit,) = (await meili.search(SearchRequest("impunity"))).hits

    (highlight,) = hit.highlights
    assert "<mark>impunity</mark>" in highlight.snippet
    assert highlight.snippet.startswith("…") and highlight.snippet.endswith("…")
    assert len(highlight.snippet.split()) <= 31


# -- filter escaping -------------------------------------------------------------------


def test_filter_values_are_quoted_exactly() -> None:
    assert quote('x" OR committee = "y\\ AND') == r'"x\" OR committee = \"y\\ AND"'
    assert search_filter(SearchFilter(committees=('x" OR committee = "y\\ AND',))) == (
        r'committee IN ["x\" OR committee = \"y\\ AND"]'
    )
    assert search_filter(SearchFilter(people=("AND", "OR"))) == 'people IN ["AND", "OR"]'
    assert search_filter(SearchFilter()) is None
    assert events_filter([3, 4]) == "event_id IN [3, 4]"


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_every_filter_value_parses_back_to_itself(value: str) -> None:
    expression = search_filter(
        SearchFilter(committees=(value, "plain"), topics=(value,), year_from=2020)
    )
    assert expression is not None

    assert parse_filter(expression) == (
        "and",
        [
            ("in", "committee", [value, "plain"]),
            ("in", "topics", [value]),
            ("cmp", "year", ">=", 2020),
        ],
    )


async def test_tricky_filter_values_select_only_their_own_documents(
    meili: MeilisearchBackend,
    requests: RequestLog,
) -> None:
    await meili.apply(
        upserts=[
            document(f"event-{i}", title="Climate", committee=value, event_id=i)
            for i, value in enumerate(TRICKY_VALUES, start=1)
        ]
        + [document("event-99", title="Climate", committee="y", event_id=99)]
    )

    for i, value in enumerate(TRICKY_VALUES, start=1):
        result = await meili.search(
            SearchRequest("climate", filter=SearchFilter(committees=(value,)))
        )
        assert [h.id for h in result.hits] == [f"event-{i}"], value


# -- rebuild -------------------------------------------------------------------------------


async def test_rebuild_fills_a_new_index_swaps_it_in_and_drops_the_old(
    meili: MeilisearchBackend, requests: RequestLog, meilisearch: MeilisearchServer
) -> None:
    await meili.apply(upserts=[document("event-1", title="Stale", event_id=1)])
    requests.clear()
    seen: list[int] = []

    count = await meili.rebuild(
        batches(
            [document("event-2", title="Fresh", event_id=2), document("event-3", event_id=3)],
            [],
            [document("person-4", kind="person", name="Fresh", person_id=4)],
        ),
        seen.append,
    )

    assert count == 3 and seen == [2, 2, 3]
    (create,) = requests.calls("/indexes")
    fresh = create.body["uid"]
    assert fresh.startswith(f"{meili.index}_rebuild_") and create.body["primaryKey"] == "id"
    assert requests.writes() == [
        ("POST", "/indexes"),
        ("PATCH", f"/indexes/{fresh}/settings"),
        ("POST", f"/indexes/{fresh}/documents"),
        ("POST", f"/indexes/{fresh}/documents"),
        ("POST", "/swap-indexes"),
        ("DELETE", f"/indexes/{fresh}"),
    ]
    assert requests.calls("/swap-indexes")[0].body == [{"indexes": [meili.index, fresh]}]
    assert await _index_uids(meilisearch, f"{meili.index}_rebuild_") == []
    async with admin_client(meilisearch) as admin:
        kept = (await admin.get(f"/indexes/{meili.index}/settings")).json()
    assert kept["searchableAttributes"] == list(SEARCHABLE_FIELDS)
    assert [d["id"] for d in await meili.documents()] == ["event-2", "event-3", "person-4"]


async def test_rebuild_creates_the_live_index_first_when_it_is_missing(
    meili: MeilisearchBackend, requests: RequestLog, meilisearch: MeilisearchServer
) -> None:
    async with admin_client(meilisearch) as admin:  # dropped behind the backend's back
        task = (await admin.delete(f"/indexes/{meili.index}")).json()["taskUid"]
        while (await admin.get(f"/tasks/{task}")).json()["status"] != "succeeded":
            await asyncio.sleep(0.01)

    assert await meili.rebuild(batches([document("event-1", event_id=1)])) == 1

    assert requests.writes()[:1] == [("POST", "/indexes")]
    assert requests.calls("/indexes")[0].body == {"uid": meili.index, "primaryKey": "id"}
    assert await _index_uids(meilisearch, meili.index) == [meili.index]
    assert [d["id"] for d in await meili.documents()] == ["event-1"]


async def test_a_failed_rebuild_keeps_the_live_index_and_drops_the_new_one(
    meili: MeilisearchBackend, requests: RequestLog, meilisearch: MeilisearchServer
) -> None:
    await meili.apply(upserts=[document("event-1", title="Live", event_id=1)])

    with pytest.raises(SearchUnavailable, match="invalid_document_id"):
        await meili.rebuild(batches([document("not a valid id!", kind="event", event_id=2)]))

    assert requests.writes()[-1][0] == "DELETE"
    assert await _index_uids(meilisearch, meili.index) == [meili.index]
    assert [d["id"] for d in await meili.documents()] == ["event-1"]


# -- health and failures ---------------------------------------------------------------------


async def test_health_answers_when_the_engine_does(meili: MeilisearchBackend) -> None:
    await meili.health()

    unreachable = MeilisearchBackend(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SearchUnavailable, match="ConnectError"):
        await unreachable.health()
    await unreachable.close()


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)  # reads the request, never answers
    writer.close()


async def _hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(1)
    writer.close()  # closes the connection without a word


@pytest.mark.parametrize(
    ("listener", "cause"),
    [(None, "ConnectError"), (_silent, "ReadTimeout"), (_hang_up, "RemoteProtocolError")],
    ids=["refused", "silent", "hangs-up"],
)
async def test_transport_errors_become_search_unavailable(listener: Any, cause: str) -> None:
    port = free_port()
    server = await asyncio.start_server(listener, "127.0.0.1", port) if listener else None
    backend = MeilisearchBackend(f"http://127.0.0.1:{port}", "key", timeout=0.3)
    calls = [
        backend.health(),
        backend.search(SearchRequest("x")),
        backend.documents(),
        backend.open(),
        backend.apply(upserts=[document("event-1", event_id=1)]),
        backend.rebuild(batches([document("event-1", event_id=1)])),
    ]
    try:
        for call in calls:
            with pytest.raises(SearchUnavailable, match=cause) as caught:
                await call
            assert caught.value.__cause__ is not None
    finally:
        await backend.close()
        if server is not None:
            server.close()


async def test_an_error_answer_becomes_search_unavailable_with_its_code(
    meili: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    wrong = meilisearch_backend(meilisearch, index=meili.index, api_key="not-the-key")

    for call in (
        wrong.search(SearchRequest("x")),
        wrong.open(),
        wrong.apply(upserts=[document("event-1", event_id=1)]),
        wrong.documents(),
    ):
        with pytest.raises(SearchUnavailable, match=r"answered 403: .*\(invalid_api_key\)"):
            await call
    await wrong.close()


async def test_failed_and_canceled_tasks_raise_with_meilisearch_s_message(
    meili: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    with pytest.raises(SearchUnavailable, match=r"\(documentAdditionOrUpdate\) failed: .*id"):
        await meili.apply(upserts=[document("not a valid id!", kind="event", event_id=1)])

    busy = f"{meili.index}_busy"
    async with admin_client(meilisearch) as admin:  # keeps the queue busy for a while
        filler = [{"id": n, "text": f"filler{n % 997} words {n} " * 40} for n in range(20_000)]
        await admin.post(f"/indexes/{busy}/documents", params={"primaryKey": "id"}, json=filler)
        meili.task_timeout = 60  # a canceled task must end the wait at once, not time out
        started = time.monotonic()
        write = asyncio.create_task(meili.apply(delete_ids=["event-1"]))
        while True:
            enqueued = (
                await admin.get(
                    "/tasks",
                    params={"indexUids": meili.index, "types": "documentDeletion"},
                )
            ).json()["results"]
            if enqueued:
                break
            await asyncio.sleep(0.005)
        await admin.post("/tasks/cancel", params={"uids": enqueued[0]["uid"]})
        with pytest.raises(SearchUnavailable, match=r"\(documentDeletion\) canceled"):
            await write
    assert time.monotonic() - started < 30


async def test_no_api_key_sends_no_authorization_header(
    meilisearch: MeilisearchServer, requests: RequestLog
) -> None:
    backend = meilisearch_backend(meilisearch, requests, api_key=None)

    await backend.health()  # open to anyone
    with pytest.raises(SearchUnavailable, match="missing_authorization_header"):
        await backend.search(SearchRequest("x"))
    await backend.close()

    assert [("authorization" in s.headers) for s in requests.sent] == [False, False]


# -- every operation, as the spec describes it -------------------------------------------------


async def test_every_operation_the_backend_uses_meets_the_spec(
    meilisearch: MeilisearchServer, requests: RequestLog
) -> None:
    backend = meilisearch_backend(meilisearch, requests, index=f"test_ops_{uuid.uuid4().hex[:8]}")
    try:
        await backend.open()
        await backend.health()
        await backend.apply(
            upserts=[document(f"event-{n}", title=f"Magnitsky {n}", event_id=n) for n in range(6)]
        )
        await backend.apply(delete_ids=["event-5"], delete_event_ids=[4])
        await backend.search(SearchRequest("magnitsky", facets=(Facet.KIND,), limit=2, offset=2))
        await backend.search(SearchRequest("magnitsky", limit=2, offset=1))  # count and page
        await backend.search(SearchRequest("global human rights sanctions"))  # federated
        await backend.kind_counts()
        await backend.documents()
        await backend.rebuild(batches([document("event-9", event_id=9)]))
    finally:
        await backend.close()
        await delete_indexes(meilisearch, backend.index)

    operations = {(s.method, s.template) for s in requests.sent}
    assert operations >= {
        ("GET", "/version"),
        ("GET", "/health"),
        ("GET", "/indexes/{index_uid}"),
        ("POST", "/indexes"),
        ("PATCH", SETTINGS),
        ("POST", DOCUMENTS),
        ("POST", DOCUMENTS + "/delete"),
        ("POST", DOCUMENTS + "/delete-batch"),
        ("GET", DOCUMENTS),
        ("POST", SEARCH),
        ("POST", "/multi-search"),
        ("POST", "/swap-indexes"),
        ("DELETE", "/indexes/{index_uid}"),
        ("GET", "/tasks/{task_id}"),
        ("GET", "/keys/{key}"),
        ("POST", "/keys"),
    }, operations
    assert all(s.problems == [] for s in requests.sent)
    assert all(s.template is not None for s in requests.sent)


def test_a_prefix_mark_is_widened_to_the_whole_word() -> None:
    from search.meilisearch_query import Tags

    tags = Tags()
    formatted = f"{tags.pre}deserti{tags.post}fication & {tags.pre}land{tags.post} <b>"

    assert (
        tags.render(formatted) == "<mark>desertification</mark> &amp; <mark>land</mark> &lt;b&gt;"
    )
