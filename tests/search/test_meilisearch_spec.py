"""The Meilisearch backend, checked request by request against Meilisearch 1.53's OpenAPI spec.

An in-memory fake (tests/search/meilisearch_fake.py) answers here, and refuses any
request that the vendored spec does not describe, with unknown body properties
forbidden. This proves conformance to the spec, not behaviour: the contract suite and
test_meilisearch_live.py check that against a live server.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import date
from typing import Any

import httpx
import pytest

from search.backend import Document, SearchUnavailable
from search.documents import FILTER_FIELDS, HIGHLIGHT_FIELDS, SEARCHABLE_FIELDS
from search.meilisearch import MeilisearchBackend
from search.meilisearch_filters import events_filter, quote, search_filter
from search.meilisearch_query import index_settings, ranking_rules, synonym_queries
from search.query import DocumentKind, Facet, Highlight, SearchFilter, SearchRequest
from search.text import normalise_synonyms
from tests.search.conftest import SYNONYMS, document
from tests.search.meilisearch_fake import KEY, FakeMeilisearch
from tests.search.meilisearch_filter_syntax import parse_filter
from tests.search.openapi_spec import SPEC_FILE, OpenApiSpec, load_spec

URL = "http://meili.test"
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
def fake(spec: OpenApiSpec) -> Iterator[FakeMeilisearch]:
    server = FakeMeilisearch(spec)
    yield server
    assert server.problems == []


def make_backend(fake: FakeMeilisearch, **options: Any) -> MeilisearchBackend:
    options.setdefault("synonyms", SYNONYMS)
    return MeilisearchBackend(URL, KEY, transport=fake.transport(), **options)


@pytest.fixture
async def meili(fake: FakeMeilisearch) -> AsyncIterator[MeilisearchBackend]:
    """An opened backend on the fake; the requests that opened it are forgotten."""
    backend = make_backend(fake)
    await backend.open()
    fake.sent.clear()
    yield backend
    await backend.close()


async def batches(*groups: Sequence[Document]) -> AsyncIterator[Sequence[Document]]:
    for group in groups:
        yield group


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


async def test_a_misspelt_parameter_from_the_backend_fails_the_test(
    fake: FakeMeilisearch, meili: MeilisearchBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.meilisearch as module
    import search.meilisearch_query as query_module

    search_body, index_settings = query_module.search_body, module.index_settings
    monkeypatch.setattr(
        query_module,
        "search_body",
        lambda *a: {**search_body(*a), "attributesToHiglight": ["title"]},
    )
    with pytest.raises(pytest.fail.Exception, match="attributesToHiglight"):
        await meili.search(SearchRequest("x"))

    def misspelt_settings(version: Any) -> dict[str, Any]:
        settings = index_settings(version)
        settings["typoTolerance"]["minWordSizeForTypo"] = {"oneTypo": 5}
        return settings

    monkeypatch.setattr(module, "index_settings", misspelt_settings)
    with pytest.raises(pytest.fail.Exception, match="minWordSizeForTypo"):
        await meili.open()
    assert len(fake.problems) == 2
    fake.problems.clear()


def test_the_spec_erratum_on_facets_is_still_needed() -> None:
    as_published = OpenApiSpec(json.loads(SPEC_FILE.read_text()), errata={})

    # The published schema wants {"patterns": [...]}; the server reads a plain list.
    assert as_published.body_problems("POST", SEARCH, {"q": "x", "facets": ["kind"]}) != []
    assert (
        as_published.body_problems("POST", SEARCH, {"q": "x", "facets": {"patterns": ["kind"]}})
        == []
    )


async def test_the_fake_refuses_routes_and_query_parameters_the_spec_lacks(
    fake: FakeMeilisearch,
) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(
        base_url=URL, transport=fake.transport(), headers=headers
    ) as client:
        assert (await client.get("/health")).status_code == 200
        for bad in (
            client.post("/indexes/cms/serch", json={"q": "x"}),  # no such route
            client.put("/indexes/cms/search", json={"q": "x"}),  # no such method
            client.get("/indexes/cms", params={"limt": "5"}),  # undeclared parameter
            client.get("/tasks/not-a-number"),  # path parameter of the wrong type
            client.post("/indexes/cms/search", json={"q": "x", "limit": -1}),
        ):
            with pytest.raises(pytest.fail.Exception):
                await bad
    assert len(fake.problems) == 5
    fake.problems.clear()


# -- open ----------------------------------------------------------------------------------


async def test_open_creates_the_index_and_declares_its_settings(fake: FakeMeilisearch) -> None:
    backend = make_backend(fake)
    await backend.open()
    await backend.close()

    assert [(s.method, s.template) for s in fake.sent if s.template != "/tasks/{task_id}"] == [
        ("GET", "/version"),
        ("GET", "/indexes/{index_uid}"),
        ("POST", "/indexes"),
        ("PATCH", SETTINGS),
    ]
    assert fake.calls("/indexes")[0].body == {"uid": "cms", "primaryKey": "id"}
    settings = fake.calls(SETTINGS)[0].body
    assert settings == {
        "searchableAttributes": list(SEARCHABLE_FIELDS),
        "filterableAttributes": list(FILTER_FIELDS),
        "sortableAttributes": ["date", "start_ms"],
        "rankingRules": [
            "words",
            "typo",
            "proximity",
            "attributeRank",
            "sort",
            "wordPosition",
            "exactness",
        ],
        "synonyms": {},  # expanded in the query plan instead
        "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}},
        "faceting": {"maxValuesPerFacet": 10_000},
        "pagination": {"maxTotalHits": 100_000_000},
    }
    assert settings["searchableAttributes"][:2] == ["title", "name"]  # ranking order kept
    assert fake.indexes["cms"].primary_key == "id"
    assert fake.indexes["cms"].settings == settings
    assert all(task["status"] == "succeeded" for task in fake.tasks.values())
    assert all(s.headers["authorization"] == f"Bearer {KEY}" for s in fake.sent)


async def test_open_on_an_existing_index_only_declares_the_settings(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    await meili.open()

    assert fake.writes() == [("PATCH", "/indexes/cms/settings")]


async def test_open_tolerates_another_process_creating_the_index_first(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    fake.force("GET", "/indexes/{index_uid}", 404)  # it looked missing, then someone made it

    await make_backend(fake).open()

    assert fake.tasks[max(fake.tasks) - 1]["error"]["code"] == "index_already_exists"


@pytest.mark.parametrize("version", [(1, 21), (1, 35), (1, 36), (1, 53)])
def test_the_settings_of_every_supported_release_meet_the_spec(
    spec: OpenApiSpec, version: tuple[int, int]
) -> None:
    settings = index_settings(version)

    assert spec.body_problems("PATCH", SETTINGS, settings) == []
    assert ("attributeRank" in settings["rankingRules"]) is (version >= (1, 36))
    assert ("attribute" in settings["rankingRules"]) is (version < (1, 36))


async def test_open_declares_the_ranking_rules_the_server_s_release_knows(
    fake: FakeMeilisearch,
) -> None:
    fake.version = "1.21.0"
    backend = make_backend(fake)
    await backend.open()
    await backend.close()

    assert fake.calls(SETTINGS)[0].body["rankingRules"] == ranking_rules((1, 21))
    assert "attributeRank" not in ranking_rules((1, 21))


async def test_a_release_older_than_the_floor_is_refused_by_name(fake: FakeMeilisearch) -> None:
    fake.version = "1.20.4"
    backend = make_backend(fake)

    with pytest.raises(SearchUnavailable, match=r"1\.20\.4 is older than 1\.21"):
        await backend.open()
    await backend.close()
    assert fake.writes() == []


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


async def test_writes_prepare_the_index_when_the_engine_was_down_at_open(
    fake: FakeMeilisearch,
) -> None:
    backend = make_backend(fake)
    fake.down = httpx.ConnectError("connection refused")
    with pytest.raises(SearchUnavailable):
        await backend.open()
    fake.down = None

    await backend.apply(upserts=[document("event-1", title="Climate", event_id=1)])

    assert fake.indexes["cms"].settings["filterableAttributes"] == list(FILTER_FIELDS)
    assert list(fake.indexes["cms"].docs) == ["event-1"]
    await backend.close()


# -- apply and documents -------------------------------------------------------------------


async def test_apply_deletes_by_event_and_id_then_upserts(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    await meili.apply(
        upserts=[
            document("event-1", title="One", event_id=1),
            document("passage-5-0", text="one", event_id=1, recording_id=5, start_ms=0),
            document("event-2", title="Two", event_id=2),
            document("person-3", kind="person", name="Three", person_id=3),
        ]
    )
    fake.sent.clear()

    await meili.apply(
        upserts=[document("event-4", title="Four", event_id=4)],
        delete_ids=["person-3"],
        delete_event_ids=[1, 7],
    )

    assert fake.writes() == [
        ("POST", "/indexes/cms/documents/delete"),
        ("POST", "/indexes/cms/documents/delete-batch"),
        ("POST", "/indexes/cms/documents"),
    ]
    delete, batch, upsert = (s.body for s in fake.sent if s.method == "POST")
    assert delete == {"filter": "event_id IN [1, 7]"}
    assert batch == ["person-3"]
    assert [d["id"] for d in upsert] == ["event-4"]
    assert [d["id"] for d in await meili.documents()] == ["event-2", "event-4"]


async def test_nothing_to_apply_sends_nothing(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    await meili.apply()

    assert fake.sent == []


async def test_documents_pages_through_the_whole_index_sorted_by_id(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    ids = [f"event-{i}" for i in range(2500, 0, -1)]
    await meili.apply(upserts=[document(doc_id, event_id=i) for i, doc_id in enumerate(ids)])
    fake.sent.clear()

    found = await meili.documents()

    assert [d["id"] for d in found] == sorted(ids)
    assert [s.body for s in fake.calls("/indexes/{index_uid}/documents/fetch")] == [
        {"offset": 0, "limit": 1000},
        {"offset": 1000, "limit": 1000},
        {"offset": 2000, "limit": 1000},
    ]


# -- search --------------------------------------------------------------------------------


async def test_search_sends_filters_facets_paging_and_highlighting(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
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

    (sent,) = fake.calls(SEARCH)
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
    assert result.processing_time_ms == 3


async def test_a_search_without_filters_or_facets_sends_neither(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    result = await meili.search(SearchRequest("anything", limit=0))

    body = fake.calls(SEARCH)[0].body
    assert "filter" not in body and "facets" not in body
    assert body["hitsPerPage"] == 0
    assert (result.total_hits, result.hits, result.facets) == (0, [], {})


async def test_withheld_events_and_people_are_filtered_out_of_hits_and_facets(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
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

    assert fake.calls(SEARCH)[0].body["filter"] == ("event_id NOT IN [2] AND person_id NOT IN [3]")
    assert sorted(h.id for h in result.hits) == ["event-1", "person-4"]
    assert result.total_hits == 2
    assert result.facets == {Facet.COMMITTEE: {"env": 1}, Facet.KIND: {"event": 1, "person": 1}}


async def test_hits_carry_their_fields_score_and_marked_escaped_highlights(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
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
                text="Welcome. On <b>desertification</b> & drought",
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
                bio="Writes on <mark>deserts</mark>",
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
            "text", "Welcome. On &lt;b&gt;<mark>desertification</mark>&lt;/b&gt; &amp; drought"
        ),
    )
    assert person.person_id == 2 and person.kind is DocumentKind.PERSON
    assert person.highlights == (
        Highlight("bio", "Writes on &lt;mark&gt;<mark>deserts</mark>&lt;/mark&gt;"),
        Highlight("affiliations", "<mark>Desert</mark> Institute"),
    )  # a literal <mark> in the source stays text


async def test_a_passage_hit_finds_its_cue_from_byte_offsets(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
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
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
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


# -- filter escaping -----------------------------------------------------------------------


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
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
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
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    await meili.apply(upserts=[document("event-1", title="Stale", event_id=1)])
    fake.sent.clear()
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
    (create,) = [s for s in fake.calls("/indexes") if s.method == "POST"]
    fresh = create.body["uid"]
    assert fresh.startswith("cms_rebuild_") and create.body["primaryKey"] == "id"
    assert fake.writes() == [
        ("POST", "/indexes"),
        ("PATCH", f"/indexes/{fresh}/settings"),
        ("POST", f"/indexes/{fresh}/documents"),
        ("POST", f"/indexes/{fresh}/documents"),
        ("POST", "/swap-indexes"),
        ("DELETE", f"/indexes/{fresh}"),
    ]
    assert fake.calls("/swap-indexes")[0].body == [{"indexes": ["cms", fresh]}]
    assert set(fake.indexes) == {"cms"}
    assert fake.indexes["cms"].settings["searchableAttributes"] == list(SEARCHABLE_FIELDS)
    assert [d["id"] for d in await meili.documents()] == ["event-2", "event-3", "person-4"]


async def test_rebuild_creates_the_live_index_first_when_it_is_missing(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    del fake.indexes["cms"]  # dropped behind the backend's back

    assert await meili.rebuild(batches([document("event-1", event_id=1)])) == 1

    assert fake.writes()[:1] == [("POST", "/indexes")]
    assert fake.calls("/indexes")[0].body == {"uid": "cms", "primaryKey": "id"}
    assert set(fake.indexes) == {"cms"}
    assert list(fake.indexes["cms"].docs) == ["event-1"]


async def test_a_failed_rebuild_keeps_the_live_index_and_drops_the_new_one(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    await meili.apply(upserts=[document("event-1", title="Live", event_id=1)])
    fake.plan("documentAdditionOrUpdate", code="invalid_document_fields", message="bad field")

    with pytest.raises(SearchUnavailable, match="bad field"):
        await meili.rebuild(batches([document("event-2", event_id=2)]))

    assert fake.writes()[-1][0] == "DELETE"
    assert set(fake.indexes) == {"cms"}
    assert list(fake.indexes["cms"].docs) == ["event-1"]


# -- health and failures ---------------------------------------------------------------------


async def test_health_answers_when_the_engine_does(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    await meili.health()

    fake.force("GET", "/health", 503)
    with pytest.raises(SearchUnavailable, match="503"):
        await meili.health()


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("server hung up"),
    ],
)
async def test_transport_errors_become_search_unavailable(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
    error: httpx.HTTPError,
) -> None:
    fake.down = error
    calls = [
        meili.health(),
        meili.search(SearchRequest("x")),
        meili.documents(),
        meili.open(),
        meili.apply(upserts=[document("event-1", event_id=1)]),
        meili.rebuild(batches([document("event-1", event_id=1)])),
    ]
    for call in calls:
        with pytest.raises(SearchUnavailable) as caught:
            await call
        assert caught.value.__cause__ is error


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_become_search_unavailable(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
    status: int,
) -> None:
    fake.force("POST", SEARCH, status)
    fake.force("POST", DOCUMENTS, status)
    fake.force("GET", "/tasks/{task_id}", status)

    with pytest.raises(SearchUnavailable, match=f"answered {status}: forced {status}"):
        await meili.search(SearchRequest("x"))
    with pytest.raises(SearchUnavailable, match=f"answered {status}"):
        await meili.apply(upserts=[document("event-1", event_id=1)])
    with pytest.raises(SearchUnavailable, match=f"answered {status}"):
        await meili.apply(delete_ids=["event-1"])  # the write went in; polling its task failed


async def test_failed_and_canceled_tasks_raise_with_meilisearch_s_message(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    fake.plan("documentAdditionOrUpdate", message="The payload is too large.")
    with pytest.raises(SearchUnavailable, match="The payload is too large"):
        await meili.apply(upserts=[document("event-1", event_id=1)])

    fake.plan("documentDeletion", status="canceled")
    meili.task_timeout = 5  # a canceled task must end the wait at once, not time out
    with pytest.raises(SearchUnavailable, match=r"\(documentDeletion\) canceled"):
        await meili.apply(delete_ids=["event-1"])

    fake.plan("settingsUpdate", message="Invalid synonyms.")
    with pytest.raises(SearchUnavailable, match="Invalid synonyms"):
        await meili.open()


async def test_a_task_that_never_finishes_gives_up_in_bounded_time(
    fake: FakeMeilisearch,
    meili: MeilisearchBackend,
) -> None:
    fake.stuck = True
    meili.task_timeout = 0.05

    with pytest.raises(SearchUnavailable, match="still enqueued"):
        await meili.apply(upserts=[document("event-1", event_id=1)])


async def test_no_api_key_sends_no_authorization_header(spec: OpenApiSpec) -> None:
    fake = FakeMeilisearch(spec, api_key=None)
    backend = MeilisearchBackend(URL, transport=fake.transport())

    await backend.health()
    await backend.close()

    assert "authorization" not in fake.sent[0].headers


def test_a_prefix_mark_is_widened_to_the_whole_word() -> None:
    from search.meilisearch_query import Tags

    tags = Tags()
    formatted = f"{tags.pre}deserti{tags.post}fication & {tags.pre}land{tags.post} <b>"

    assert (
        tags.render(formatted) == "<mark>desertification</mark> &amp; <mark>land</mark> &lt;b&gt;"
    )
