"""The embedded engine reads prefix and typo matches from its own word list, which
must reach exactly the words tantivy's automata would, and never fall behind the index."""

from __future__ import annotations

from pathlib import Path

import pytest
from tantivy import Occur, Query

from search.embedded import EmbeddedBackend
from search.query import SearchRequest
from search.text import parse_query, stem
from tests.search.conftest import document

WORDS = [
    "impunity", "impunty", "immunity", "community", "unity", "impure",
    "desertification", "desertifications", "desert", "deserts", "certification",
    "panellist", "panellists", "panel", "panelling", "jurisdiction", "jurisdictions",
    "plogging", "logging", "blogging", "plodding", "universal", "universe", "university",
    "extradition", "tradition", "extraditions", "magnitsky", "magnetic", "sanctions",
]  # fmt: skip
QUERIES = [
    "impunity", "impuntiy", "imunity", "desertifcation", "desertificatoin", "desert",
    "panelist", "panellsits", "jurisdcition", "plogging", "ploging", "univers", "univ",
    "unvi", "extradtiion", "magnitksy", "sanctoins", "xyz", "imp", "desertifi",
    # a typo at the first letter: replaced, dropped, added, swapped with the second
    "xmpunity", "mpunity", "aimpunty", "mipunity", "lpogging", "oplgging", "nuiversal",
    "ompunit", "panellisx", "bplogging",
]  # fmt: skip


@pytest.fixture
async def one_word_per_document(tmp_path: Path) -> EmbeddedBackend:
    backend = EmbeddedBackend(tmp_path / "search")
    await backend.open()
    await backend.apply(
        upserts=[document(f"event-{i}", body=word, event_id=i) for i, word in enumerate(WORDS)]
    )
    return backend


def words_matched(backend: EmbeddedBackend, query: Query) -> set[str]:
    searcher = backend._searcher()
    hits = searcher.search(query, len(WORDS)).hits
    return {WORDS[int(searcher.doc(address)["id"][0].split("-")[1])] for _, address in hits}


@pytest.mark.parametrize("ends_open", [False, True], ids=["whole word", "last word"])
@pytest.mark.parametrize("text", QUERIES)
async def test_the_word_list_reaches_what_the_automata_reach(
    one_word_per_document: EmbeddedBackend, text: str, ends_open: bool
) -> None:
    backend = one_word_per_document
    (word,) = parse_query(text if ends_open else text + " ").words
    reach = [
        Query.term_query(backend.schema, "stems_low", word.stem),
        Query.fuzzy_term_query(
            backend.schema, "words_low", word.text, word.typos, True, word.prefix
        ),
        Query.fuzzy_term_query(backend.schema, "words_low", word.text, 0, True, word.prefix),
    ]
    automata = Query.boolean_query([(Occur.Should, query) for query in reach])
    live = backend._live_index()
    _, lexicon = live.lexicon.snapshot(live.index)

    expanded = {w for w in WORDS if stem(w) == word.stem} | set(lexicon.typos(word))

    assert expanded == words_matched(backend, automata)


async def test_a_word_indexed_after_a_search_is_found_by_typo_and_prefix(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path / "search")
    await backend.open()
    await backend.apply(upserts=[document("event-1", title="Universal jurisdiction", event_id=1)])
    assert (await backend.search(SearchRequest("desertifcation "))).total_hits == 0

    await backend.apply(upserts=[document("event-2", title="Desertification", event_id=2)])

    assert [h.id for h in (await backend.search(SearchRequest("desertifcation "))).hits] == [
        "event-2"
    ]
    assert [h.id for h in (await backend.search(SearchRequest("desertif"))).hits] == ["event-2"]


async def test_a_word_another_process_indexed_is_found_by_typo(tmp_path: Path) -> None:
    reader = EmbeddedBackend(tmp_path / "search")
    writer = EmbeddedBackend(tmp_path / "search")
    await reader.open()
    await writer.open()
    await writer.apply(upserts=[document("event-1", title="Universal jurisdiction", event_id=1)])
    assert (await reader.search(SearchRequest("jurisdcition "))).total_hits == 1
    assert (await reader.search(SearchRequest("ploggign "))).total_hits == 0

    await writer.apply(upserts=[document("event-2", title="Plogging for the planet", event_id=2)])

    assert [h.id for h in (await reader.search(SearchRequest("ploggign "))).hits] == ["event-2"]
    await writer.close()
    await reader.close()


@pytest.mark.parametrize("text", QUERIES)
async def test_highlights_mark_every_word_the_query_reached_and_no_other(
    one_word_per_document: EmbeddedBackend, text: str
) -> None:
    # Each document holds one word: a hit's highlight must mark it, however the search
    # matched it (by stem, prefix, typo, or a prefix with a typo).
    result = await one_word_per_document.search(SearchRequest(text, limit=len(WORDS)))

    marked = {h.highlights[0].snippet if h.highlights else "" for h in result.hits}
    assert marked == {f"<mark>{WORDS[int(h.id.split('-')[1])]}</mark>" for h in result.hits}
    assert result.total_hits == len(result.hits)
