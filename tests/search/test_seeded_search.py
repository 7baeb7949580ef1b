"""Researchers' queries over the real seed content find the right panel first."""

from __future__ import annotations

import pytest

from search.backend import SearchBackend
from search.query import DocumentKind, Facet, SearchFilter, SearchRequest
from server.content.models import Event, EventStatus, Participation

RIGHT_EVENT_FIRST = {
    "impunity": "impunity-an-unchanging-rule-in-turkey",
    "impuntiy": "impunity-an-unchanging-rule-in-turkey",
    "desertification": "world-day-to-combat-desertification-2021",
    "desertifcation": "world-day-to-combat-desertification-2021",
    "plogging": "neighbourhood-clean-up-day",
    "Magnitsky": "magnitsky-sanctions-workshops",
    "universal jurisdiction": "impunity-an-unchanging-rule-in-turkey",
}


@pytest.mark.parametrize("query", RIGHT_EVENT_FIRST)
async def test_the_right_event_comes_first(seeded_index: SearchBackend, query: str) -> None:
    result = await seeded_index.search(
        SearchRequest(query, SearchFilter(kinds=(DocumentKind.EVENT,)))
    )

    first = await Event.get(id=result.hits[0].event_id)
    assert first.slug == RIGHT_EVENT_FIRST[query]


async def test_every_published_event_and_person_is_indexed(seeded_index: SearchBackend) -> None:
    documents = await seeded_index.documents()

    kinds = [d["kind"] for d in documents]
    assert kinds.count("event") == await Event.filter(status=EventStatus.PUBLISHED).count()
    assert kinds.count("person") == 20


async def test_committee_facet_and_filter_agree_with_the_database(
    seeded_index: SearchBackend,
) -> None:
    query = "human rights"
    everything = await seeded_index.search(
        SearchRequest(
            query,
            SearchFilter(kinds=(DocumentKind.EVENT,)),
            facets=(Facet.COMMITTEE, Facet.YEAR),
            limit=100,
        )
    )
    matched = await Event.filter(id__in=[h.event_id for h in everything.hits]).prefetch_related(
        "committee"
    )
    by_committee: dict[str, int] = {}
    for event in matched:
        by_committee[event.committee.slug] = by_committee.get(event.committee.slug, 0) + 1

    assert everything.total_hits == len(matched) > 1
    assert everything.facets[Facet.COMMITTEE] == by_committee
    for slug, count in by_committee.items():
        narrowed = await seeded_index.search(
            SearchRequest(
                query, SearchFilter(kinds=(DocumentKind.EVENT,), committees=(slug,)), limit=100
            )
        )
        assert narrowed.total_hits == count
        assert {
            e.committee.slug
            for e in await Event.filter(
                id__in=[h.event_id for h in narrowed.hits]
            ).prefetch_related("committee")
        } == {slug}


async def test_person_filter_finds_the_events_they_took_part_in(
    seeded_index: SearchBackend,
) -> None:
    result = await seeded_index.search(
        SearchRequest(
            "impunity", SearchFilter(kinds=(DocumentKind.EVENT,), people=("antonio-stango",))
        )
    )

    expected = set(
        await Participation.filter(person__slug="antonio-stango").values_list("event_id", flat=True)
    )
    assert {h.event_id for h in result.hits} == expected


async def test_people_are_found_by_name_and_affiliation(seeded_index: SearchBackend) -> None:
    by_name = await seeded_index.search(SearchRequest("Natacha Bracq"))
    by_typo = await seeded_index.search(SearchRequest("Natasha Bracq"))

    assert by_name.hits[0].kind is DocumentKind.PERSON
    assert by_typo.hits[0].id == by_name.hits[0].id
    assert {h.field for h in by_name.hits[0].highlights} >= {"name"}


async def test_a_query_missing_one_word_finds_the_event_holding_the_others(
    seeded_index: SearchBackend,
) -> None:
    # The Run for Hakan event speaks of a "marrow transplant", never of "bone".
    result = await seeded_index.search(
        SearchRequest(
            "bone marrow transplant",
            SearchFilter(kinds=(DocumentKind.EVENT,)),
            facets=(Facet.COMMITTEE,),
            limit=100,
        )
    )

    hakan = await Event.get(
        slug="run-for-hakan-an-11-year-old-child-suffering-from-leukaemia-in-turkey"
    )
    hit = next(h for h in result.hits if h.event_id == hakan.id)
    assert any("<mark>marrow</mark> <mark>transplant</mark>" in h.snippet for h in hit.highlights)
    assert result.total_hits == len(result.hits) == sum(result.facets[Facet.COMMITTEE].values())
