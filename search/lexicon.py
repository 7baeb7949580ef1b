"""The words an index holds, and which of them a query word reaches by prefix or typo.

tantivy's prefix and fuzzy queries read the postings of every term they match, the
query word's own included: on a common word that is most of the index, read again
for every tier and field group. Expanding a query word here, against the index's
own term dictionary, into the *other* words it matches leaves the engine only
those words' postings to read, which are usually short.

The rules are the ones tantivy's automata apply (and Meilisearch's): a word within
the query word's typo budget by optimal string alignment (a transposition is one
typo), or, for the query's last word, any word that starts with it, or that starts
with something within the budget of it.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.text import QueryWord, stem


class Lexicon:
    """The distinct words of some fields of one index snapshot."""

    def __init__(self, fields: Mapping[str, Iterable[str]]) -> None:
        self.fields = {field: frozenset(terms) for field, terms in fields.items()}
        self.words = sorted(set().union(*self.fields.values()))
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self.words:
            self._by_length[len(word)].append(word)
        self._heads: dict[int, tuple[list[str], dict[str, list[str]]]] = {}

    @classmethod
    def read(cls, searcher: tantivy.Searcher, fields: Iterable[str]) -> Lexicon:
        return cls(
            {field: (t for t, _ in searcher.terms_with_prefix(field, "")) for field in fields}
        )

    def _starting_with(self, text: str) -> list[str]:
        found = []
        for word in self.words[bisect_left(self.words, text) :]:
            if not word.startswith(text):
                break
            found.append(word)
        return found

    def _heads_of_length(self, length: int) -> tuple[list[str], dict[str, list[str]]]:
        """The distinct `length`-character beginnings of words, and the words each begins."""
        if length not in self._heads:
            heads: dict[str, list[str]] = defaultdict(list)
            for word in self.words:
                if len(word) >= length:
                    heads[word[:length]].append(word)
            self._heads[length] = (list(heads), dict(heads))
        return self._heads[length]

    def typos(self, word: QueryWord) -> dict[str, int]:
        """Every word of the index that `word` matches without having its stem, with
        the fewest typos it takes (0 for a plain prefix match)."""
        found: dict[str, int] = {}

        def add(candidate: str, typos: int) -> None:
            if found.get(candidate, typos + 1) > typos:
                found[candidate] = typos

        if word.prefix:
            for candidate in self._starting_with(word.text):
                add(candidate, 0)
        if word.typos:
            size = len(word.text)
            for length in range(max(1, size - word.typos), size + word.typos + 1):
                if word.prefix:
                    heads, words_of = self._heads_of_length(length)
                    for head, typos, _ in _close(word.text, heads, word.typos):
                        for candidate in words_of[head]:
                            add(candidate, typos)
                else:
                    for candidate, typos, _ in _close(
                        word.text, self._by_length.get(length, []), word.typos
                    ):
                        add(candidate, typos)
        return {w: t for w, t in found.items() if stem(w) != word.stem}

    def with_stem(self, word_stem: str) -> list[str]:
        """The words of the index with this stem. English stems keep their word's first
        letters, so only the words that start as the stem does are stemmed to compare."""
        return [word for word in self._starting_with(word_stem[:3]) if stem(word) == word_stem]

    def in_field(self, field: str, words: Iterable[str]) -> list[str]:
        terms = self.fields.get(field, frozenset())
        return sorted(w for w in words if w in terms)


def _close(text: str, choices: Sequence[str], typos: int) -> list[tuple[str, int, int]]:
    return process.extract(text, choices, scorer=OSA.distance, score_cutoff=typos, limit=None)


class LexiconCache:
    """The lexicon of a live index directory, read again whenever a commit changed it.

    A commit replaces the directory's meta.json, so its identity tells whether the
    terms may have changed; the searcher is taken before the check, so the lexicon is
    never older than the searcher it is used with."""

    def __init__(self, directory: Path, fields: Iterable[str]) -> None:
        self._meta = directory / "meta.json"
        self._fields = tuple(fields)
        self._signature: tuple[int, int, int] | None = None
        self._lexicon: Lexicon | None = None

    def snapshot(self, index: tantivy.Index) -> tuple[tantivy.Searcher, Lexicon]:
        searcher = index.searcher()
        try:
            stat = os.stat(self._meta)
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            signature = None
        if self._lexicon is None or signature is None or signature != self._signature:
            index.reload()
            searcher = index.searcher()
            self._lexicon = Lexicon.read(searcher, self._fields)
            self._signature = signature
        return searcher, self._lexicon
