"""Which documents a query matches, the same on every engine: every word, or all but one.

A query's words are read as units: a word, or the words of a synonym-group member
typed together (found left to right, the longest member first), which count as one.
Quoted phrases are always required. A document matches when it holds

- every unit (the full matches), or,
- when the query has two units or more, every unit but one (the partial matches),
  the words it holds being read whole: the last word is a prefix only in a full match.

Full matches rank above every partial match; within each group the usual ranking
rules decide (typos, field, relevance). Allowing one missing unit, not more, keeps a
long query precise: a ten-word query never returns documents that share a word or two
with it. "bone marrow transplant" finds a text that says "marrow transplant", below
any that holds all three words.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized

from search.text import ParsedQuery

Span = tuple[int, int]
"""A unit as (index of its first word, number of words) in `ParsedQuery.words`."""


def word_units(parsed: ParsedQuery, synonyms: Sequence[tuple[tuple[str, ...], ...]]) -> list[Span]:
    """The query's words grouped into units: each synonym-group member typed (longest
    first, left to right) is one unit, any other word is a unit of its own."""
    texts = [w.text for w in parsed.words]
    units: list[Span] = []
    index = 0
    while index < len(texts):
        length = next(
            (
                n
                for n in range(len(texts) - index, 1, -1)
                if any(tuple(texts[index : index + n]) in group for group in synonyms)
            ),
            1,
        )
        units.append((index, length))
        index += length
    return units


def allows_partial(units: Sized) -> bool:
    """Whether documents missing one unit match too (two units or more)."""
    return len(units) >= 2
