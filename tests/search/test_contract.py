"""The query semantics every backend must share (Meilisearch's, as documented)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.backend import Document, SearchBackend
from search.documents import passage_documents
from search.passages import Segment, Speaker
from search.query import DocumentKind, Facet, SearchFilter, SearchRequest
from server.transcripts.files import read_transcript_file
from tests.search.conftest import document

PIER_HANDOVER = Path(__file__).resolve().parent.parent / "data/transcripts/pier-handover.vtt"
TOBIAH = Speaker(7, "Tobiah Quell", "tobiah-quell")


async def ids(backend: SearchBackend, query: str, **options: object) -> list[str]:
    result = await backend.search(SearchRequest(query, **options))  # type: ignore[arg-type]  # loosely typed options
    return [hit.id for hit in result.hits]


async def test_typo_budget_follows_word_length(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="cat", event_id=1),
            document("event-2", title="house", event_id=2),
            document("event-3", title="extradition", event_id=3),
        ]
    )

    assert await ids(backend, "cat ") == ["event-1"]
    assert await ids(backend, "cot ") == []  # under 5 characters: no typo allowed
    assert await ids(backend, "hause ") == ["event-2"]  # 5 to 8: one typo
    assert await ids(backend, "hxusx ") == []  # two typos are too many for 5 letters
    assert await ids(backend, "extradtiion ") == ["event-3"]  # 9+: a transposition counts as one
    assert await ids(backend, "extradtiiom ") == ["event-3"]  # ...and two typos are allowed
    assert await ids(backend, "exxradtiiom ") == []  # three are not


async def test_the_last_word_is_a_prefix_and_phrases_need_their_words_together(
    backend: SearchBackend,
) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="Universal jurisdiction in practice", event_id=1),
            document("event-2", title="Jurisdiction is never universal", event_id=2),
        ]
    )

    assert await ids(backend, "univers") != []
    assert set(await ids(backend, "jurisdiction univ")) == {"event-1", "event-2"}
    assert await ids(backend, "univers ") == []  # a finished word is not a prefix
    assert await ids(backend, '"universal jurisdiction"') == ["event-1"]


async def test_exact_matches_rank_above_typos_and_titles_above_bodies(
    backend: SearchBackend,
) -> None:
    await backend.apply(
        upserts=[
            document("event-1", body="A long body that mentions impunity once.", event_id=1),
            document("event-2", title="Impunity", event_id=2),
            document("event-3", title="Impuntiy, misspelt in the title", event_id=3),
        ]
    )

    assert await ids(backend, "impunity ") == ["event-2", "event-1", "event-3"]


async def test_english_stemming_matches_other_forms(backend: SearchBackend) -> None:
    if backend.name == "meilisearch":
        pytest.skip("Meilisearch has no stemming; the brief asks for it where the engine allows")
    await backend.apply(
        upserts=[
            document("event-1", body="Our panellist discussed the findings.", event_id=1),
        ]
    )

    assert await ids(backend, "panellists ") == ["event-1"]
    assert await ids(backend, "discussions ") == ["event-1"]


async def test_synonyms_find_each_other(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="Global human rights sanctions explained", event_id=1),
            document("event-2", title="The Magnitsky Act", event_id=2),
        ]
    )

    assert set(await ids(backend, "magnitsky ")) == {"event-1", "event-2"}


async def test_synonyms_of_any_length_work_both_ways_and_the_word_typed_ranks_first(
    backend: SearchBackend,
) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="Global human rights sanctions explained", event_id=1),
            document("event-2", title="The Magnitsky Act", event_id=2),
        ]
    )

    assert (await ids(backend, "magnitsky "))[0] == "event-2"  # the word typed ranks first
    assert set(await ids(backend, "global human rights sanctions ")) == {"event-1", "event-2"}
    assert await ids(backend, "magnitsky -explained ") == ["event-2"]  # exclusions hold for both
    # Both units (a word, and a synonym) rank above one of them.
    assert await ids(backend, "explained magnitsky") == ["event-1", "event-2"]


async def test_a_query_with_nothing_left_to_search_for_finds_nothing(
    backend: SearchBackend,
) -> None:
    await backend.apply(upserts=[document("event-1", title="Magnitsky sanctions", event_id=1)])

    for query in ("?!", "-magnitsky", '"" -sanctions'):
        result = await backend.search(SearchRequest(query, facets=(Facet.KIND,)))
        assert (result.total_hits, result.hits) == (0, []), query


async def test_filters_restrict_and_combine(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[
            document(
                "event-1",
                title="Climate panel",
                committee="environment",
                topics=["climate"],
                year=2020,
                date=20200105,
                platform="YOUTUBE",
                event_id=1,
            ),
            document(
                "event-2",
                title="Climate talk",
                committee="youth",
                topics=["climate", "youth"],
                year=2021,
                date=20210310,
                platform="ZOOM",
                event_id=2,
            ),
            document(
                "person-1", name="Climate Person", kind="person", people=["a-person"], person_id=1
            ),
        ]
    )

    assert set(await ids(backend, "climate", filter=SearchFilter(committees=("youth",)))) == {
        "event-2"
    }
    assert set(await ids(backend, "climate", filter=SearchFilter(topics=("climate",)))) == {
        "event-1",
        "event-2",
    }
    assert set(
        await ids(
            backend, "climate", filter=SearchFilter(platforms=("YOUTUBE", "ZOOM"), year_from=2021)
        )
    ) == {"event-2"}
    assert set(
        await ids(backend, "climate", filter=SearchFilter(kinds=(DocumentKind.PERSON,)))
    ) == {"person-1"}
    assert set(await ids(backend, "climate", filter=SearchFilter(people=("a-person",)))) == {
        "person-1"
    }
    assert await ids(backend, "climate", filter=SearchFilter(year_to=2019)) == []


async def test_filter_values_are_data_never_syntax(backend: SearchBackend) -> None:
    tricky = 'x" OR committee = "y\\ AND'
    await backend.apply(
        upserts=[
            document("event-1", title="Climate", committee=tricky, event_id=1),
            document("event-2", title="Climate", committee="y", event_id=2),
        ]
    )

    assert await ids(backend, "climate", filter=SearchFilter(committees=(tricky,))) == ["event-1"]


async def test_facets_count_all_matches_not_just_the_page(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[
            document(
                f"event-{i}",
                title="Sanctions workshop",
                committee="a" if i % 3 else "b",
                year=2020 + i % 2,
                event_id=i,
            )
            for i in range(1, 10)
        ]
        + [document("event-99", title="Unrelated", committee="c", event_id=99)]
    )

    result = await backend.search(
        SearchRequest("sanctions", facets=(Facet.COMMITTEE, Facet.YEAR, Facet.KIND), limit=2)
    )

    assert result.total_hits == 9
    assert len(result.hits) == 2
    assert result.facets[Facet.COMMITTEE] == {"a": 6, "b": 3}
    assert result.facets[Facet.YEAR] == {"2020": 4, "2021": 5}
    assert result.facets[Facet.KIND] == {"event": 9}


async def test_pages_hold_the_total_and_do_not_overlap(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[document(f"event-{i}", title=f"Workshop {i}", event_id=i) for i in range(1, 8)]
    )

    first = await backend.search(SearchRequest("workshop", limit=3, offset=0))
    second = await backend.search(SearchRequest("workshop", limit=3, offset=3))
    third = await backend.search(SearchRequest("workshop", limit=3, offset=6))

    assert first.total_hits == second.total_hits == third.total_hits == 7
    seen = [h.id for page in (first, second, third) for h in page.hits]
    assert sorted(seen) == sorted(f"event-{i}" for i in range(1, 8))
    assert first.processing_time_ms >= 0


async def test_highlights_mark_exact_typo_and_prefix_matches_and_escape_html(
    backend: SearchBackend,
) -> None:
    await backend.apply(
        upserts=[
            document(
                "event-1",
                title="Desertification <script>alert(1)</script>",
                body="Land & water: desertification spreads.",
                event_id=1,
            ),
        ]
    )

    for query in ("desertification", "desertifcation", "deserti"):
        result = await backend.search(SearchRequest(query))
        highlights = {h.field: h.snippet for h in result.hits[0].highlights}
        assert highlights["title"] == (
            "<mark>Desertification</mark> &lt;script&gt;alert(1)&lt;/script&gt;"
        ), query
        assert "<mark>desertification</mark>" in highlights["body"]
        assert "&amp;" in highlights["body"]


async def test_long_passages_are_cropped_around_the_match(backend: SearchBackend) -> None:
    words = " ".join(f"word{i}" for i in range(300))
    await backend.apply(
        upserts=[
            document(
                "passage-1-0",
                text=f"{words} impunity {words}",
                event_id=1,
                recording_id=1,
                start_ms=0,
            ),
        ]
    )

    result = await backend.search(SearchRequest("impunity"))

    (highlight,) = result.hits[0].highlights
    assert highlight.field == "text"
    assert "<mark>impunity</mark>" in highlight.snippet
    assert len(highlight.snippet) < 400


async def test_deleting_an_event_removes_its_passages_too(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="Impunity", event_id=1),
            document("passage-5-0", text="impunity again", event_id=1, recording_id=5, start_ms=0),
            document("event-2", title="Impunity elsewhere", event_id=2),
        ]
    )

    await backend.apply(delete_event_ids=[1])

    assert await ids(backend, "impunity") == ["event-2"]
    assert [d["id"] for d in await backend.documents()] == ["event-2"]


def pier_handover_passages() -> list[Document]:
    """The passages of pier-handover.vtt as the indexer builds them, with Tobiah Quell
    linked to a person: one passage of four speakers' turns, then Ines Marrow again."""
    cues = read_transcript_file(PIER_HANDOVER).cues
    segments = [
        Segment(i, cue.start_ms, cue.end_ms, cue.text, cue.speaker, None)
        if cue.speaker != TOBIAH.name
        else Segment(i, cue.start_ms, cue.end_ms, cue.text, None, TOBIAH)
        for i, cue in enumerate(cues)
    ]
    return passage_documents(3, segments, {"event_id": 1, "people": []})


async def test_a_transcript_hit_names_the_cue_that_holds_the_words(
    backend: SearchBackend,
) -> None:
    (passage,) = pier_handover_passages()
    await backend.apply(upserts=[passage])

    result = await backend.search(SearchRequest("tidal barrier"))

    (hit,) = result.hits
    # The passage starts at 0 s with Wren Halloway; the words are Tobiah Quell's, at 12.4 s.
    assert passage["start_ms"] == 0
    assert (hit.start_ms, hit.speaker_name, hit.speaker_id) == (12_400, "Tobiah Quell", 7)
    (highlight,) = hit.highlights
    assert "<mark>tidal</mark> <mark>barrier</mark>" in highlight.snippet
    assert "garden" in highlight.snippet  # the cue before it, said by Ines Marrow


@pytest.mark.parametrize(
    ("query", "start_ms", "speaker"),
    [
        # "pier" is in the first three cues; the third holds "storms" as well.
        ("pier storms", 12_400, "Tobiah Quell"),
        # "garden" is in the first two cues; the second holds "floods" as well.
        ("garden floods", 6_000, "Ines Marrow"),
        # A speaker's name points at their first cue in the passage.
        ("Ines", 6_000, "Ines Marrow"),
        # "pier" is in the first three cues; the second is Ines Marrow's.
        ("Ines pier", 6_000, "Ines Marrow"),
        # A cue that names nobody has no speaker, whoever spoke before it.
        ("applause", 27_500, None),
    ],
)
async def test_the_cue_holding_the_most_matched_words_is_the_one_named(
    backend: SearchBackend, query: str, start_ms: int, speaker: str | None
) -> None:
    await backend.apply(upserts=pier_handover_passages())

    (hit,) = (await backend.search(SearchRequest(query))).hits

    assert (hit.start_ms, hit.speaker_name) == (start_ms, speaker)


async def test_documents_missing_one_word_are_found_below_those_holding_all(
    backend: SearchBackend,
) -> None:
    await backend.apply(
        upserts=[
            document(
                "event-1", title="Run for Hakan", body="Before the marrow transplant.", event_id=1
            ),
            document("event-2", title="Bone marrow transplant registry", event_id=2),
            document("event-3", title="Bone health", body="After a transplant.", event_id=3),
            document("event-4", title="Marrow", event_id=4),
        ]
    )

    for query in ("bone marrow transplant", "bone marow transplnt "):  # typos still count
        result = await backend.search(SearchRequest(query, facets=(Facet.KIND,)))
        found = [hit.id for hit in result.hits]
        assert found[0] == "event-2", query  # all three words
        assert set(found[1:]) == {"event-1", "event-3"}, query  # two of three; one is too few
        assert result.total_hits == result.facets[Facet.KIND]["event"] == 3, query

    hakan = next(
        hit
        for hit in (await backend.search(SearchRequest("bone marrow transplant"))).hits
        if hit.id == "event-1"
    )
    assert [h.snippet for h in hakan.highlights] == [
        "Before the <mark>marrow</mark> <mark>transplant</mark>."
    ]


async def test_a_long_query_finds_documents_missing_one_word_not_two(
    backend: SearchBackend,
) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="Climate youth activism in schools", event_id=1),
            document("event-2", title="Climate activism in courts", event_id=2),
            document("event-3", title="Youth courts", event_id=3),
        ]
    )

    # Three of the four words each; "Youth courts" holds only two.
    assert set(await ids(backend, "climate youth activism courts ")) == {"event-1", "event-2"}
    # All four, and nothing else: "Climate activism in courts" holds two of them.
    assert await ids(backend, "climate youth activism schools ") == ["event-1"]


async def test_the_last_word_is_a_prefix_only_in_a_full_match(backend: SearchBackend) -> None:
    await backend.apply(
        upserts=[
            document("event-1", title="Universal jurisdiction", event_id=1),
            document("event-2", title="Universal periodic review", event_id=2),
            document("event-3", title="Jurisdiction in practice", event_id=3),
        ]
    )

    # "univ" reaches "universal" beside "jurisdiction"; alone, a word must match whole.
    assert await ids(backend, "jurisdiction univ") == ["event-1", "event-3"]
    found = await ids(backend, "jurisdiction universal")
    assert found[0] == "event-1" and set(found[1:]) == {"event-2", "event-3"}
