"""The searches one query becomes on Meilisearch, to match as search/matching.py says.

Meilisearch's `matchingStrategy` cannot say "every word, or all but one": `last` drops
words from the end only, `frequency` the commonest first (so a word no document holds
is never dropped), `all` drops none. A query is therefore asked as:

- its full forms: the words as typed (weight 1), and once per synonym it brings in, the
  synonym standing for the words typed (`SYNONYM_WEIGHT`). Each is asked with `last`
  and a `rankingScoreThreshold` just above (N-1)/N, N being its words: the `words`
  ranking rule comes first, so only documents holding all N words reach it, and each
  scores above (N-1)/N, which is at least 1/2;
- when it has two units or more, each full form once without each unit (its words
  whole), with `all`, weighted by `PARTIAL_WEIGHT`: these score at most 0.4.

A federated search merges them, keeps each document once with its best weighted score
and counts the union exactly, facets included, so full matches come first. A query of
one unit and no synonym is a single search with `all`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from search.matching import allows_partial, word_units
from search.text import parse_query

SYNONYM_WEIGHT = 0.9
"""The weight of a synonym's query in a federated search: its matches rank below those of
the words typed, unless those match only with typos (as on the embedded engine)."""
PARTIAL_WEIGHT = 0.4
"""The weight of a query missing one unit: below the least a full match scores (a full
form's score exceeds 1/2, times at least SYNONYM_WEIGHT)."""
THRESHOLD_MARGIN = 1e-12
"""Far below the least a full match scores above (N-1)/N, far above rounding."""
Synonyms = Sequence[tuple[tuple[str, ...], ...]]
"""Synonym groups as `search.text.normalise_synonyms` gives them."""


@dataclass(frozen=True)
class PlannedQuery:
    """One search of a query's plan."""

    q: str
    matching_strategy: str
    weight: float
    threshold: float | None = None


@dataclass(frozen=True)
class _Form:
    units: tuple[str, ...]
    words: int
    open_end: bool
    weight: float


def _quoted(phrase: Sequence[str]) -> str:
    return '"' + " ".join(phrase) + '"'


def _text(fixed: Sequence[str], units: Sequence[str], open_end: bool) -> str:
    """Phrases and exclusions first, then the units, the last word last: it is a prefix
    only when `open_end` (otherwise the text ends with a space)."""
    return " ".join([*fixed, *units]) + ("" if open_end else " ")


def _forms(query: str, synonyms: Synonyms) -> tuple[list[str], list[_Form]]:
    parsed = parse_query(query)
    texts = [w.text for w in parsed.words]
    fixed = [_quoted(p) for p in parsed.phrases] + [f"-{word}" for word in parsed.excluded]
    phrase_words = sum(len(p) for p in parsed.phrases)
    spans = word_units(parsed, synonyms)
    typed = tuple(" ".join(texts[start : start + length]) for start, length in spans)
    open_end = bool(parsed.words) and parsed.words[-1].prefix
    forms = [_Form(typed, phrase_words + len(texts), open_end, 1.0)]
    for k, (start, length) in enumerate(spans):
        span = tuple(texts[start : start + length])
        group = next((g for g in synonyms if span in g), ())
        for other in (o for o in group if o != span):
            units = (*typed[:k], _quoted(other), *typed[k + 1 :])
            size = phrase_words + len(texts) - length + len(other)
            last_typed = open_end and k < len(spans) - 1
            forms.append(_Form(units, size, last_typed, SYNONYM_WEIGHT))
    return fixed, forms


def synonym_queries(query: str, synonyms: Synonyms) -> list[str]:
    """The query once for each synonym it brings in, that synonym standing for the words
    typed (exact, as the embedded engine matches a synonym); empty when it brings in none."""
    fixed, forms = _forms(query, synonyms)
    return list(dict.fromkeys(_text(fixed, f.units, f.open_end) for f in forms[1:]))


def query_plan(query: str, synonyms: Synonyms) -> list[PlannedQuery]:
    """The searches that together match `query` as search/matching.py says: one with
    `all` when it has a single unit and no synonym, else the full forms and the forms
    missing a unit, for a federated search."""
    fixed, forms = _forms(query, synonyms)
    partial = allows_partial(forms[0].units)
    if len(forms) == 1 and not partial:
        return [PlannedQuery(_text(fixed, forms[0].units, forms[0].open_end), "all", 1.0)]
    plan = [
        PlannedQuery(
            _text(fixed, form.units, form.open_end),
            "last",
            form.weight,
            (form.words - 1) / form.words + THRESHOLD_MARGIN,
        )
        for form in forms
    ]
    if partial:
        plan += [
            PlannedQuery(
                _text(fixed, form.units[:i] + form.units[i + 1 :], False),
                "all",
                PARTIAL_WEIGHT * form.weight,
            )
            for form in forms
            for i in range(len(form.units))
        ]
    unique: dict[str, PlannedQuery] = {}
    for planned in plan:
        unique.setdefault(planned.q, planned)  # the first holds the higher weight
    return list(unique.values())
