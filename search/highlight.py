"""Highlighted snippets: the matched words wrapped in <mark>, everything else HTML-escaped.

The embedded engine's own snippets miss typo and prefix matches, so matching is
done here, with the words the engine itself matched: the query's words, the index's
words that share their stems, and those that the lexicon reached by prefix or typo
(`search/lexicon.py`). A matched word is marked wherever it stands whole (not inside a
longer word), in any letter case: what one case-insensitive regular expression of the
matched words finds. For speed, that expression only runs on the rare text that
`str.lower` folds otherwise (`_CASE_VARIANTS`): the matched words are found in every
other text, lowercased, by plain substring search, the page's ASCII texts searched as
one string.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import accumulate

from search.lexicon import Lexicon
from search.text import ParsedQuery, QueryWord, normalise, stem

CROP_CHARS = 220
"""About how long a snippet of a long field is, around its densest matches."""
LEAD_CHARS = 40
"""How much text is kept before the first match of a cropped snippet."""
ELLIPSIS = "…"

_WORD = re.compile(r"\w+")
_NON_WORD_ASCII = [c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")]
_ASCII_WORDS = str.maketrans(
    {c: " " if c in _NON_WORD_ASCII else chr(c).lower() for c in range(128)}
)
"""Lowercases an ASCII text and blanks out the characters that `_WORD` does not take as
part of a word: the result splits on whitespace into the words `_WORD.findall` finds in
the lowercased text, in C, and keeps each word where it was."""
_UTF8_SEPARATORS = bytes(32 if b in _NON_WORD_ASCII else b for b in range(256))
"""Blanks out the same characters in a text encoded as UTF-8, leaving the others be
(translating a str that is not ASCII is slow)."""
_CASE_VARIANTS = re.compile(
    "[\u00b5\u0131\u017f\u0345\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5"
    "\u1c80-\u1c88\u1e9b\u1fbe\u1fd3\u1fe3\ufb05\ufb06]"
)
"""Lowercase letters that a case-insensitive regular expression also equates with a
letter other than their uppercase form: 'ı' (dotless i) with 'i', 'ſ' (long s) with 's',
'µ' (micro) with 'μ', the final 'ς' with 'σ', the Greek symbol forms ('ϐ', 'ϑ', …),
the old Cyrillic letter forms ('ᲀ', …) and a few more. Comparing lowercased words agrees
with that expression everywhere else, so a text or a matched word holding one of these
is marked with the expression itself."""
_HTML_SPECIAL = "&<>\"'"
"""The characters `html.escape` replaces."""


def _targets(query: ParsedQuery, synonyms: Sequence[str]) -> list[QueryWord]:
    targets = list(query.words)
    extra = [w for phrase in query.phrases for w in phrase] + [
        w for synonym in synonyms for w in synonym.split()
    ]
    targets.extend(QueryWord(w, stem(w), 0, prefix=False) for w in extra)
    return targets


FIND_EACH_MAX = 12
"""Up to this many matching words, each is looked for in a page's text by substring
search; more (a short prefix reaches many words), and the page is split into its words
first, to look only for those it holds."""


class Highlighter:
    """Marks one query's matches in any number of texts, as the engine matched them."""

    def __init__(
        self,
        query: ParsedQuery,
        lexicon: Lexicon,
        reached: Mapping[QueryWord, Iterable[str]],
        synonyms: Sequence[str] = (),
    ) -> None:
        """`reached`: for each of the query's words, the other words of the index it
        reaches by prefix or typo (`Lexicon.typos`), as the engine's query used them."""
        targets = _targets(query, synonyms)
        tokens = {t.text for t in targets}
        for other in reached.values():
            tokens.update(other)
        for target_stem in {t.stem for t in targets if t.stem}:
            tokens.update(lexicon.with_stem(target_stem))
        # Every word of the index that the query matches, as the index holds it.
        self._tokens = frozenset(tokens)
        self._matched: frozenset[str] = frozenset()
        self._lowered: dict[str, str] = {}
        self._found: dict[str, list[tuple[int, int]]] = {}
        self._folds_differently = False
        self._pattern: re.Pattern[str] | None = None
        self._learned = False

    def learn(self, texts: Sequence[str]) -> None:
        """Finds where the matches stand in all of `texts` at once (call it with all the
        texts a page of hits will mark)."""
        unique = dict.fromkeys(texts)
        ascii_texts = [text for text in unique if text.isascii()]
        # The ASCII texts (nearly all) make one string, lowercased and with non-word
        # characters blanked out, in which each matching word is looked for.
        page = " ".join(ascii_texts).translate(_ASCII_WORDS)
        wanted: Iterable[str] = self._tokens
        if len(self._tokens) > FIND_EACH_MAX:
            wanted = self._tokens.intersection(page.split())
        page_spans = _word_spans(page, wanted)
        # Texts that are not ASCII: each distinct word is compared as the index holds it.
        self._lowered = {text: text.lower() for text in unique if not text.isascii()}
        other_words = _distinct_words(self._lowered.values())
        other_matches = {
            word
            for word in other_words
            if (word if word.isascii() else normalise(word)) in self._tokens
        }
        self._matched = frozenset({page[start:end] for start, end in page_spans} | other_matches)
        self._pattern = None
        self._folds_differently = any(_CASE_VARIANTS.search(word) for word in other_matches)
        self._found = {}
        if not self._folds_differently:
            self._found = _spans_by_text(ascii_texts, page_spans)
            others = self._lowercase_texts(other_words)
            others_page = " ".join(self._lowered[text] for text in others)
            self._found.update(_spans_by_text(others, _word_spans(others_page, other_matches)))
        self._learned = True

    def _lowercase_texts(self, words: set[str]) -> list[str]:
        """The learned texts that are not ASCII but that `_lowercase_matches` holds for,
        told at once from their distinct `words` on most pages."""
        if _without_case_variants(words, self._lowered.values()):
            return [text for text, low in self._lowered.items() if len(low) == len(text)]
        return [text for text, low in self._lowered.items() if self._lowercase_matches(text, low)]

    def _regex(self) -> re.Pattern[str]:
        """The case-insensitive expression of the matched words, longest first (built once,
        for the texts that lowercasing cannot stand in for)."""
        if self._pattern is None:
            words = sorted(self._matched, key=len, reverse=True)
            alternatives = "|".join(map(re.escape, words))
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern

    def _lowercase_matches(self, text: str, lowered: str) -> bool:
        """Whether finding the matched words in the lowercased text marks exactly what the
        case-insensitive expression would in the text."""
        return (
            not self._folds_differently
            and len(lowered) == len(text)  # not so for 'İ', lowercased to two characters
            and (text.isascii() or not _CASE_VARIANTS.search(lowered))
        )

    def spans(self, text: str) -> Sequence[tuple[int, int]]:
        """The character ranges of the words in `text` that the query matches."""
        if not self._learned:
            self.learn([text])
        found = self._found.get(text)
        if found is not None:
            return found
        if not self._matched:
            return []
        lowered = self._lowered.get(text)
        if lowered is None:
            lowered = text.lower()
        if self._lowercase_matches(text, lowered):
            return _word_spans(lowered, self._matched)
        return [m.span() for m in self._regex().finditer(text)]

    def snippet(self, text: str, *, crop: bool) -> str | None:
        """The text with its matches marked, cropped around the densest matches when
        `crop`; None when nothing in it matches."""
        spans = self.spans(text)
        if not spans:
            return None
        if not crop or len(text) <= CROP_CHARS:
            return _mark(text, spans, 0, len(text))
        start, end = _window(text, spans)
        prefix = ELLIPSIS if start > 0 else ""
        suffix = ELLIPSIS if end < len(text) else ""
        return prefix + _mark(text, spans, start, end).strip() + suffix


def _distinct_words(lowered: Iterable[str]) -> set[str]:
    """The distinct words of lowercased texts that are not ASCII, as `_WORD` finds them:
    the texts are joined, encoded, their ASCII non-word characters blanked out and the
    result split, all in C; `_WORD` only splits the few pieces holding other characters."""
    pieces = set(" ".join(lowered).encode().translate(_UTF8_SEPARATORS).split())
    words: set[str] = set()
    for piece in map(bytes.decode, pieces):
        if piece.isascii():
            words.add(piece)
        else:
            words.update(_WORD.findall(piece))
    return words


def _without_case_variants(words: Iterable[str], lowered: Iterable[str]) -> bool:
    """Whether no lowercased text holds one of `_CASE_VARIANTS`, told from their distinct
    `words` rather than by searching every text: the variants are word characters, but
    for U+0345, which a fast search for one character finds."""
    letters = "".join(words)
    return (letters.isascii() or not _CASE_VARIANTS.search(letters)) and not any(
        "\u0345" in text for text in lowered
    )


def _word_spans(lowered: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Where `words` stand whole in a lowercased text, in order. Each word is found by
    substring search (in C), then kept where no word character (`\\w`) touches it: far
    faster than a regular expression trying every position, as matched words are few."""
    spans: list[tuple[int, int]] = []
    length = len(lowered)
    for word in words:
        size = len(word)
        start = lowered.find(word)
        while start != -1:
            end = start + size
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < length else " "
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                spans.append((start, end))
            start = lowered.find(word, end)
    spans.sort()
    return spans


def _spans_by_text(
    texts: Sequence[str], page_spans: Iterable[tuple[int, int]]
) -> dict[str, list[tuple[int, int]]]:
    """The `page_spans` found in the texts' page (the texts joined by spaces, lowercased
    with every character kept in place), as spans within each text."""
    found: dict[str, list[tuple[int, int]]] = {text: [] for text in texts}
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    for start, end in page_spans:
        index = bisect_right(starts, start) - 1
        offset = starts[index]
        found[texts[index]].append((start - offset, end - offset))
    return found


def _mark(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    # Escaping changes nothing in most texts: skip it then (`in` finds a character fast).
    escape: Callable[[str], str] = html.escape if any(c in text for c in _HTML_SPECIAL) else str
    parts: list[str] = []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    return "".join(parts)


def _window(text: str, spans: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The CROP_CHARS-long stretch holding the most matches, snapped to word boundaries."""
    ends = [end for _, end in spans]
    best_start, best_count = spans[0][0], 0
    for first, (span_start, _) in enumerate(spans):
        # The matches from this one on that end within reach (this one at least).
        reach = span_start + CROP_CHARS - LEAD_CHARS
        count = max(1, bisect_right(ends, reach) - first)
        if count > best_count:
            best_start, best_count = span_start, count
    start = max(0, best_start - LEAD_CHARS)
    if start > 0:
        space = text.find(" ", start, best_start)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + CROP_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > best_start else end
    return start, end
