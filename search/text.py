"""How text becomes words, and the typo rules, shared by the embedded engine and highlighting."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import tantivy

from search.query import MAX_QUERY_WORDS

WORDS = "cms_words"
"""Tokenizer of the exact-word fields: split, lowercase, fold accents."""
STEMMED = "cms_en_stem"
"""Tokenizer of the stemmed fields: the same, then the English stemmer."""
MAX_WORD_LENGTH = 40

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """The analyzers an index registers under WORDS and STEMMED."""

    def base() -> tantivy.TextAnalyzerBuilder:
        return (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(MAX_WORD_LENGTH))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
        )

    return {
        WORDS: base().build(),
        STEMMED: base().filter(tantivy.Filter.stemmer("english")).build(),
    }


_ANALYZERS = analyzers()


@lru_cache(maxsize=65536)
def normalise(word: str) -> str:
    """A word as the exact-word fields index it (lowercased, accents folded)."""
    tokens = _ANALYZERS[WORDS].analyze(word)
    return tokens[0] if tokens else ""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word as the stemmed fields index it."""
    tokens = _ANALYZERS[STEMMED].analyze(word)
    return tokens[0] if tokens else ""


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return [w for w in (normalise(m.group()) for m in _WORD.finditer(text)) if w]


def allowed_typos(word: str) -> int:
    """Meilisearch's default budget: none under 5 characters, 1 up to 8, then 2."""
    if len(word) < 5:
        return 0
    if len(word) < 9:
        return 1
    return 2


@dataclass(frozen=True)
class QueryWord:
    """One word of the user's query and how it may match."""

    text: str
    stem: str
    typos: int
    prefix: bool


@dataclass(frozen=True)
class ParsedQuery:
    """The user's query split into words, quoted phrases and excluded words."""

    words: tuple[QueryWord, ...]
    phrases: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.phrases


def parse_query(text: str, max_words: int = MAX_QUERY_WORDS) -> ParsedQuery:
    """Splits a query as Meilisearch reads it: "quoted phrases", -excluded words, and
    words, of which only the first `max_words` count; the last word is also a prefix
    unless the query ends with a space."""
    text = unicodedata.normalize("NFC", text)
    phrases = tuple(tuple(words(phrase)) for phrase in _PHRASE.findall(text) if words(phrase))
    rest = _PHRASE.sub(" ", text)
    plain: list[str] = []
    excluded: list[str] = []
    for raw in rest.split():
        if raw.startswith("-") and len(raw) > 1:
            excluded.extend(words(raw[1:]))
        else:
            plain.extend(words(raw))
    budget = max(0, max_words - sum(len(p) for p in phrases))
    plain = plain[:budget]
    ends_open = bool(plain) and text[-1:] not in (" ", '"')
    parsed = [
        QueryWord(w, stem(w), allowed_typos(w), prefix=ends_open and i == len(plain) - 1)
        for i, w in enumerate(plain)
    ]
    return ParsedQuery(tuple(parsed), phrases, tuple(excluded))


def normalise_synonyms(groups: Sequence[Sequence[str]]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Synonym groups as tuples of normalised words, dropping empty members."""
    return tuple(
        tuple(member for member in (tuple(words(text)) for text in group) if member)
        for group in groups
    )
