"""Turning a parsed query and filter into a tantivy query with Meilisearch-like ranking.

Every query word is scored by its best match over all fields, in tiers, so that an
exact (or same-stem) match beats a prefix match, which beats a one-typo match,
which beats a two-typo match, whatever the field; within a tier, the field's
weight decides (title above body), and BM25 breaks the remaining ties. Documents
match as search/matching.py says (every word, or all but one); each word matched adds
to the score, and a document holding them all ranks above every other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import tantivy
from tantivy import Occur, Query

from search.documents import SEARCHABLE_FIELDS
from search.lexicon import Lexicon
from search.matching import allows_partial, word_units
from search.query import SearchFilter
from search.text import ParsedQuery, QueryWord, stem

EXACT, PREFIX, ONE_TYPO, TWO_TYPOS = 100.0, 60.0, 30.0, 15.0
FIELD_BONUS = 10.0  # a whole tier step is never reached by field weight alone
TIE_BREAK = 0.01

_MAX_WEIGHT = max(SEARCHABLE_FIELDS.values())

GROUP_WEIGHTS: dict[str, float] = {"high": 6.0, "mid": 2.0, "low": 1.0}
"""The searchable fields are indexed in three groups by weight (title and name; topics,
people, committee, summary and affiliations; the long texts), each twice: stemmed, for
exact matches, phrases and BM25, and as plain words, for typo and prefix matching.
Three fields per query word instead of thirteen keep searches fast."""

STEM_GROUPS = {f"stems_{g}": w for g, w in GROUP_WEIGHTS.items()}
WORD_GROUPS = {f"words_{g}": w for g, w in GROUP_WEIGHTS.items()}


def group_of(field: str) -> str:
    """The group ("high", "mid" or "low") that carries `field`'s text."""
    weight = SEARCHABLE_FIELDS[field]
    return "high" if weight >= 5 else "mid" if weight >= 1.5 else "low"


def _score(tier: float, weight: float) -> float:
    return tier + FIELD_BONUS * weight / _MAX_WEIGHT


def _should(queries: Sequence[Query]) -> Query:
    return Query.boolean_query([(Occur.Should, q) for q in queries])


TYPO_TIERS = (PREFIX, ONE_TYPO, TWO_TYPOS)
"""The tier of a word the query word reaches with 0 (by prefix), 1 or 2 typos."""


def _any_term(schema: tantivy.Schema, field: str, terms: Sequence[str]) -> Query:
    if len(terms) == 1:
        return Query.term_query(schema, field, terms[0])
    return _should([Query.term_query(schema, field, term) for term in terms])


TOP_GROUP = max(STEM_GROUPS, key=STEM_GROUPS.__getitem__)
"""The stemmed group of the title and name: an exact match there is the top tier."""


def _exact_options(
    schema: tantivy.Schema, word: QueryWord, groups: Mapping[str, float]
) -> list[Query]:
    """The query word's exact (same-stem) match in each of `groups`, scored as such."""
    return [
        Query.const_score_query(Query.term_query(schema, group, word.stem), _score(EXACT, weight))
        for group, weight in groups.items()
    ]


def _word_query(schema: tantivy.Schema, word: QueryWord, options: Sequence[Query]) -> Query:
    """The best of the query word's `options` (its tiers), plus the BM25 tie-break."""
    best = Query.disjunction_max_query(list(options))
    # BM25 on the stemmed groups breaks ties within a tier.
    relevance = Query.boost_query(
        _should(
            [
                Query.boost_query(Query.term_query(schema, group, word.stem), weight)
                for group, weight in STEM_GROUPS.items()
            ]
        ),
        TIE_BREAK,
    )
    return Query.boolean_query([(Occur.Must, best), (Occur.Should, relevance)])


def _reached_options(
    schema: tantivy.Schema, variants: Mapping[str, int], lexicon: Lexicon
) -> list[Query]:
    """The words a query word reaches by prefix or typo, read as plain terms, each tier
    and group scored as such; a word with the query word's stem is not among them: the
    exact tier holds it."""
    options = []
    for group, weight in WORD_GROUPS.items():
        for typos, tier in enumerate(TYPO_TIERS):
            terms = lexicon.in_field(group, (w for w, t in variants.items() if t == typos))
            if terms:
                options.append(
                    Query.const_score_query(_any_term(schema, group, terms), _score(tier, weight))
                )
    return options


def _any_tier_query(
    schema: tantivy.Schema, word: QueryWord, variants: Mapping[str, int], lexicon: Lexicon
) -> Query:
    """The query word over every tier: exact in each group, then the words it reaches."""
    options = _exact_options(schema, word, STEM_GROUPS)
    return _word_query(schema, word, options + _reached_options(schema, variants, lexicon))


SYNONYM = 90.0  # a synonym's match ranks just below the words the user typed


def _phrase_query(
    schema: tantivy.Schema, phrase: Sequence[str], tier: float = EXACT, per_word: bool = True
) -> Query:
    stems = [stem(w) for w in phrase]
    per_group = []
    for group, weight in STEM_GROUPS.items():
        inner = (
            Query.term_query(schema, group, stems[0])
            if len(stems) == 1
            else Query.phrase_query(schema, group, list(stems))
        )
        score = _score(tier, weight) * (len(stems) if per_word else 1)
        per_group.append(Query.const_score_query(inner, score))
    return Query.disjunction_max_query(per_group)


def _synonym_alternatives(
    schema: tantivy.Schema,
    span: tuple[str, ...],
    synonyms: Sequence[tuple[tuple[str, ...], ...]],
) -> list[Query]:
    for group in synonyms:
        if span in group:
            return [
                _phrase_query(schema, other, SYNONYM, per_word=False)
                for other in group
                if other != span
            ]
    return []


def reached_words(parsed: ParsedQuery, lexicon: Lexicon) -> dict[QueryWord, dict[str, int]]:
    """For each word of the query, the other words of the index it reaches by prefix or
    typo, with the typos each takes: what the query reads, and what highlights mark."""
    return {word: lexicon.typos(word) for word in parsed.words}


def _unit_query(
    schema: tantivy.Schema,
    words: Sequence[QueryWord],
    synonyms: Sequence[tuple[tuple[str, ...], ...]],
    lexicon: Lexicon,
    reached: Mapping[QueryWord, Mapping[str, int]],
) -> Query:
    """One unit (see search/matching.py): a word over every tier, or the words of a
    synonym-group member, all of them or one of the other members."""
    own = [_any_tier_query(schema, w, reached[w], lexicon) for w in words]
    alternatives = _synonym_alternatives(schema, tuple(w.text for w in words), synonyms)
    if not alternatives:
        return own[0]
    return _should([Query.boolean_query([(Occur.Must, q) for q in own]), *alternatives])


def _whole(word: QueryWord, lexicon: Lexicon) -> tuple[QueryWord, dict[str, int]]:
    """The word read whole, not as a prefix, with the words it then reaches."""
    whole = replace(word, prefix=False)
    return whole, lexicon.typos(whole)


FULL_MATCH = 10_000.0
"""Added to a document holding every unit: more than all units together can score, so
full matches rank above partial ones (search/matching.py)."""


def _all(queries: Sequence[Query]) -> Query:
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def text_query(
    schema: tantivy.Schema,
    parsed: ParsedQuery,
    synonyms: Sequence[tuple[tuple[str, ...], ...]],
    lexicon: Lexicon,
    reached: Mapping[QueryWord, Mapping[str, int]],
) -> Query:
    """The scoring part, matching as search/matching.py says: every phrase, and every
    unit or all units but one; each unit matched adds its score, and a full match
    FULL_MATCH. `reached` is `reached_words(parsed, lexicon)`."""
    phrases = [_phrase_query(schema, phrase) for phrase in parsed.phrases]
    spans = word_units(parsed, synonyms)
    unit_words = [parsed.words[start : start + length] for start, length in spans]
    units = [_unit_query(schema, w, synonyms, lexicon, reached) for w in unit_words]
    clauses: list[tuple[Occur, Query]] = [(Occur.Must, phrase) for phrase in phrases]
    if not allows_partial(spans):
        clauses += [(Occur.Must, unit) for unit in units]
    else:
        whole_units = units
        last = parsed.words[-1]
        if last.prefix:
            whole, whole_reached = _whole(last, lexicon)
            words = [*unit_words[-1][:-1], whole]
            whole_reached_all = {**reached, whole: whole_reached}
            whole_units = [
                *units[:-1],
                _unit_query(schema, words, synonyms, lexicon, whole_reached_all),
            ]
        options = [Query.const_score_query(_all(units), FULL_MATCH)]
        options += [
            Query.const_score_query(_all(whole_units[:i] + whole_units[i + 1 :]), 0.0)
            for i in range(len(units))
        ]
        clauses.append((Occur.Must, _should(options)))
        clauses += [(Occur.Should, unit) for unit in units]
    return _with_exclusions(schema, clauses, parsed.excluded)


def _with_exclusions(
    schema: tantivy.Schema, clauses: list[tuple[Occur, Query]], excluded: Sequence[str]
) -> Query:
    for word in excluded:
        clauses.append(
            (
                Occur.MustNot,
                _should([Query.term_query(schema, group, word) for group in WORD_GROUPS]),
            )
        )
    return Query.boolean_query(clauses)


def _units_query(schema: tantivy.Schema, units: Sequence[Query], excluded: Sequence[str]) -> Query:
    clauses = [(Occur.Must if i == 0 else Occur.Should, unit) for i, unit in enumerate(units)]
    return _with_exclusions(schema, clauses, excluded)


BM25_K1 = 1.2
"""tantivy's BM25 saturation: a term scores at most idf × (1 + K1), times its boost."""
DOCUMENTS_BOUND = 2**32
"""More documents (deleted ones included) than an embedded index holds: a bound on the
document count in BM25's idf."""
_TOP_EXACT = _score(EXACT, STEM_GROUPS[TOP_GROUP])
_NEXT_BEST = max(_score(EXACT, w) for g, w in STEM_GROUPS.items() if g != TOP_GROUP)


def _tie_break_bounds(searcher: tantivy.Searcher, word_stem: str) -> tuple[float, float]:
    """The most a word's BM25 tie-break can add to a document's score, in all and from
    TOP_GROUP alone: each stemmed group's term scores at most idf × (1 + K1), idf
    falling with the term's document frequency (the one BM25 itself reads) and rising
    with the document count."""
    parts = {
        group: TIE_BREAK
        * (1 + BM25_K1)
        * weight
        * math.log(1 + (DOCUMENTS_BOUND + 0.5) / (searcher.doc_freq(group, word_stem) + 0.5))
        for group, weight in STEM_GROUPS.items()
    }
    return sum(parts.values()), parts[TOP_GROUP]


def top_tier_query(
    schema: tantivy.Schema,
    parsed: ParsedQuery,
    triggered: Sequence[str],
    searcher: tantivy.Searcher,
    needed: int,
) -> Query | None:
    """`text_query` restricted to its top tier: the documents with every word's exact
    match in TOP_GROUP (titles and names), each scored exactly as `text_query` scores it.

    Such a document scores at least _TOP_EXACT per word. Any other lacks it for some
    word, which then scores at most _NEXT_BEST, with no TOP_GROUP part in that word's
    tie-break; so when the tie-breaks cannot make up the difference, the top tier
    outranks every other match, and if it holds `needed` documents, its first `needed`
    are the full query's: a common word's page, with far less to score. None when that
    cannot be told, or cannot hold: a phrase or a synonym the query brings in
    (`triggered`, from `triggered_synonyms`; they score otherwise), or a word in fewer
    than `needed` titles.
    """
    if not parsed.words or parsed.phrases or triggered:
        return None
    stems = [word.stem for word in parsed.words]
    if min(searcher.doc_freq(TOP_GROUP, word_stem) for word_stem in stems) < needed:
        return None  # too few documents hold them, whatever the filters
    bounds = [_tie_break_bounds(searcher, word_stem) for word_stem in stems]
    most_elsewhere = sum(total for total, _ in bounds) - min(top for _, top in bounds)
    if _NEXT_BEST + most_elsewhere >= _TOP_EXACT:
        return None
    top_group = {TOP_GROUP: STEM_GROUPS[TOP_GROUP]}
    units = [
        _word_query(schema, word, _exact_options(schema, word, top_group)) for word in parsed.words
    ]
    # The first word must match already; the others must match in the top tier too,
    # through clauses that add nothing to the score (the units keep their own roles,
    # so each document's score is summed as in `text_query`).
    required = [
        Query.const_score_query(Query.term_query(schema, TOP_GROUP, word_stem), 0.0)
        for word_stem in stems[1:]
    ]
    # Every document here is a full match, scored as such (see `text_query`).
    full = [(Occur.Should, Query.const_score_query(Query.all_query(), FULL_MATCH))]
    return Query.boolean_query(
        [(Occur.Must, _units_query(schema, units, parsed.excluded))]
        + [(Occur.Must, requirement) for requirement in required]
        + (full if len(units) >= 2 else [])
    )


def _one_of(schema: tantivy.Schema, field: str, values: Sequence[str]) -> Query:
    return Query.term_set_query(schema, field, list(values))


def filter_clauses(schema: tantivy.Schema, search_filter: SearchFilter) -> list[Query]:
    """Filters, each scoring nothing, to AND with the text query."""
    clauses: list[Query] = []
    if search_filter.kinds:
        clauses.append(_one_of(schema, "kind", [k.value for k in search_filter.kinds]))
    for field, values in (
        ("committee", search_filter.committees),
        ("topics", search_filter.topics),
        ("people", search_filter.people),
        ("platform", search_filter.platforms),
    ):
        if values:
            clauses.append(_one_of(schema, field, values))
    if search_filter.year_from is not None or search_filter.year_to is not None:
        clauses.append(
            Query.range_query(
                schema,
                "year",
                tantivy.FieldType.Integer,
                search_filter.year_from if search_filter.year_from is not None else -(2**62),
                search_filter.year_to if search_filter.year_to is not None else 2**62,
            )
        )
    if search_filter.date_from is not None or search_filter.date_to is not None:
        low = int(search_filter.date_from.strftime("%Y%m%d")) if search_filter.date_from else 0
        high = int(search_filter.date_to.strftime("%Y%m%d")) if search_filter.date_to else 99991231
        clauses.append(Query.range_query(schema, "date", tantivy.FieldType.Integer, low, high))
    return [Query.const_score_query(clause, 0.0) for clause in clauses]


TERM_SET_FROM = 32
"""From this many ids on, one term set (which walks the field's whole term dictionary,
about a millisecond on 10,000 events) costs less than a term query per id."""


def withheld_clauses(
    schema: tantivy.Schema, search_filter: SearchFilter
) -> list[tuple[Occur, Query]]:
    """MustNot clauses leaving out the documents of the withheld events and people.

    They go beside the text query, not under an all-documents query: the engine then
    skips those documents instead of intersecting the matches with every document."""
    clauses: list[tuple[Occur, Query]] = []
    for field, ids in (
        ("event_id", search_filter.withheld_events),
        ("person_id", search_filter.withheld_people),
    ):
        if len(ids) >= TERM_SET_FROM:
            clauses.append((Occur.MustNot, Query.term_set_query(schema, field, list(ids))))
        else:
            clauses += [(Occur.MustNot, Query.term_query(schema, field, int(i))) for i in ids]
    return clauses


def triggered_synonyms(
    parsed: ParsedQuery, synonyms: Sequence[tuple[tuple[str, ...], ...]]
) -> list[str]:
    """The synonyms the query brings in (to highlight them as matches too)."""
    texts = tuple(w.text for w in parsed.words)
    found: list[str] = []
    for group in synonyms:
        for member in group:
            n = len(member)
            if any(texts[i : i + n] == member for i in range(len(texts) - n + 1)):
                found.extend(" ".join(other) for other in group if other != member)
    return found
