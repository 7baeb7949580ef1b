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
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in self.words:
            by_length[len(word)].append(word)
        self._by_length = {length: _Strings(words) for length, words in by_length.items()}
        self._heads: dict[int, tuple[_Strings, dict[str, list[str]]]] = {}

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

    def _heads_of_length(self, length: int) -> tuple[_Strings, dict[str, list[str]]]:
        """The distinct `length`-character beginnings of words, and the words each begins."""
        if length not in self._heads:
            heads: dict[str, list[str]] = defaultdict(list)
            for word in self.words:
                if len(word) >= length:
                    heads[word[:length]].append(word)
            self._heads[length] = (_Strings(list(heads)), dict(heads))
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
                    for head, typos in heads.close_to(word.text, word.typos):
                        for candidate in words_of[head]:
                            add(candidate, typos)
                elif length in self._by_length:
                    for candidate, typos in self._by_length[length].close_to(word.text, word.typos):
                        add(candidate, typos)
        return {w: t for w, t in found.items() if stem(w) != word.stem}

    def with_stem(self, word_stem: str) -> list[str]:
        """The words of the index with this stem. English stems keep their word's first
        letters, so only the words that start as the stem does are stemmed to compare."""
        return [word for word in self._starting_with(word_stem[:3]) if stem(word) == word_stem]

    def in_field(self, field: str, words: Iterable[str]) -> list[str]:
        terms = self.fields.get(field, frozenset())
        return sorted(w for w in words if w in terms)


class _Strings:
    """Strings of one length, arranged to find those within a typo budget of a text.

    Within one typo (by optimal string alignment), a string either starts as the text
    does, or differs from it by one edit at its start: its first letter replaced, the
    text's first letter dropped, a letter put before it, or the first two swapped. So
    only the strings with the text's first letter are compared, plus those few exact
    forms looked up; within two typos, every string is compared."""

    def __init__(self, strings: Sequence[str]) -> None:
        self.strings = list(strings)
        self.members = frozenset(self.strings)
        self.by_first: dict[str, list[str]] = defaultdict(list)
        self.by_rest: dict[str, list[str]] = defaultdict(list)
        for string in self.strings:
            self.by_first[string[:1]].append(string)
            self.by_rest[string[1:]].append(string)

    def close_to(self, text: str, typos: int) -> list[tuple[str, int]]:
        """The strings within `typos` of `text`, with the typos each takes."""
        if typos != 1 or len(text) < 2:
            return [(s, d) for s, d, _ in _close(text, self.strings, typos)]
        first, rest = text[0], text[1:]
        found = [(s, d) for s, d, _ in _close(text, self.by_first.get(first, []), typos)]
        edited = [
            *(s for s in self.by_rest.get(rest, ()) if s[0] != first),  # first letter replaced
            *self.by_rest.get(text, ()),  # a letter put before the text
            rest,  # the text's first letter dropped
            text[1] + first + text[2:],  # the first two letters swapped
        ]
        found += [(s, 1) for s in dict.fromkeys(edited) if s[:1] != first and s in self.members]
        return found


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
