"""A query's page is read from its top tier alone (the documents with every word's exact
match in titles and names) when that tier holds the page: it must be exactly the page,
scores and total included, that the whole query gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from search.embedded import EmbeddedBackend
from search.query import DocumentKind, SearchFilter, SearchRequest
from tests.search.conftest import document

FILLER = [
    "panel", "justice", "climate", "youth", "report",
    "council", "speakers", "water", "land", "court",
]  # fmt: skip


@pytest.fixture
async def common_word_index(tmp_path: Path) -> EmbeddedBackend:
    """ "rights" in 60 titles and in the texts of 60 more, some saying it many times
    (high BM25 outside the title), with typo and prefix neighbours in other titles; a
    quarter of the titles say "draft", half "panel"."""
    rng = random.Random(3)
    backend = EmbeddedBackend(tmp_path / "search")
    await backend.open()

    def words(n: int) -> str:
        return " ".join(rng.choices(FILLER, k=n))

    docs = []
    for i in range(1, 61):
        docs.append(
            document(
                f"event-{i}",
                title=f"{words(rng.randint(1, 6))} rights {words(rng.randint(0, 3))}"
                + (" draft" if i % 4 == 0 else "")
                + (" panel" if i % 2 else ""),
                body=words(rng.randint(5, 40)) + " rights" * rng.randint(0, 2),
                event_id=i,
                year=2015 + i % 8,
            )
        )
    for i in range(61, 121):
        docs.append(
            document(
                f"passage-{i}",
                text=f"{words(rng.randint(2, 30))} " + "rights " * rng.randint(1, 9),
                summary="rights" if i % 3 else "",
                event_id=i,
                recording_id=i,
                start_ms=0,
                year=2015 + i % 8,
            )
        )
    for i, neighbour in enumerate(["rigths", "rightsholder", "right", "frights"], start=121):
        docs.append(document(f"event-{i}", title=f"{neighbour} {words(3)}", event_id=i))
    await backend.apply(upserts=docs)
    return backend


@pytest.mark.parametrize(
    "query", ["rights", "rights ", "rights -draft", "rights panel", "panel rights -draft"]
)
@pytest.mark.parametrize(
    "search_filter",
    [SearchFilter(), SearchFilter(year_from=2017), SearchFilter(kinds=(DocumentKind.EVENT,))],
    ids=["no filter", "years", "kind"],
)
@pytest.mark.parametrize(("limit", "offset"), [(10, 0), (5, 7), (1, 0), (20, 3)])
async def test_the_top_tier_page_is_the_whole_querys_page(
    common_word_index: EmbeddedBackend,
    query: str,
    search_filter: SearchFilter,
    limit: int,
    offset: int,
) -> None:
    backend = common_word_index
    page = SearchRequest(query, filter=search_filter, limit=limit, offset=offset)
    # 100 is more than the top tier holds: that search ranks every match.
    everything = SearchRequest(query, filter=search_filter, limit=100)
    assert backend._plan(page).narrowed is not None
    assert backend._plan(everything).narrowed is None

    narrowed = await backend.search(page)
    ranked = await backend.search(everything)

    assert len(narrowed.hits) == limit
    assert narrowed.total_hits == ranked.total_hits
    assert [(h.id, h.score) for h in narrowed.hits] == [
        (h.id, h.score) for h in ranked.hits[offset : offset + limit]
    ]
    assert narrowed.hits[0].highlights == ranked.hits[offset].highlights


async def test_a_page_past_the_top_tier_is_ranked_from_every_match(
    common_word_index: EmbeddedBackend,
) -> None:
    backend = common_word_index
    page = SearchRequest("rights", limit=10, offset=55)  # 61 titles hold its stem
    assert backend._plan(page).narrowed is None

    result = await backend.search(page)
    ranked = await backend.search(SearchRequest("rights", limit=100))

    titles = {f"event-{i}" for i in range(1, 61)} | {"event-123"}  # "right": the same stem
    assert {h.id for h in ranked.hits[:61]} == titles
    assert [h.id for h in result.hits] == [h.id for h in ranked.hits[55:65]]
    assert [h.id in titles for h in result.hits] == [True] * 6 + [False] * 4


async def test_a_page_of_two_words_comes_from_titles_holding_both(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path / "search")
    await backend.open()
    titles = (
        ["rights forum"] * 25  # both words in the title: the top tier
        + ["forum"] * 10
        + ["rights"] * 10  # with "forum" in the body: next in rank
        + ["rights"] * 30
    )
    await backend.apply(
        upserts=[
            document(
                f"event-{i}",
                title=f"{title} {i}",
                body="forum" if 35 <= i < 45 else "",
                event_id=i,
            )
            for i, title in enumerate(titles)
        ]
    )
    # Both words are in 30 titles or more, but together in only 25: too few for this page.
    page = SearchRequest("rights forum", limit=10, offset=20)
    assert backend._plan(page).narrowed is not None

    result = await backend.search(page)
    ranked = await backend.search(SearchRequest("rights forum", limit=100))

    assert [(h.id, h.score) for h in result.hits] == [(h.id, h.score) for h in ranked.hits[20:30]]
    assert {h.id for h in result.hits[5:]} <= {f"event-{i}" for i in range(35, 45)}
    # Every title with "rights" or "forum": of two words, one may be missing.
    assert result.total_hits == ranked.total_hits == 75
