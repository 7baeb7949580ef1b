"""Highlighted snippets: the matched words wrapped in <mark>, everything else HTML-escaped.

The embedded engine's own snippets miss typo and prefix matches, so matching is
done here with the rules the query used (`Highlighter._matching`). The
distinct words of a page of hits are judged together, in bulk. A matched word is
marked wherever it stands whole (not inside a longer word), in any letter case: what
one case-insensitive regular expression of the matched words finds. For speed, that
expression only runs on the rare text that `str.lower` folds otherwise
(`_CASE_VARIANTS`): the matched words are found in every other text, lowercased, by
plain substring search, and a page's ASCII texts are split into words and searched as
one string.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from operator import itemgetter

from rapidfuzz import process
from rapidfuzz.distance import OSA

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


class Highlighter:
    """Marks one query's matches in any number of texts, judging each distinct word once."""

    def __init__(self, query: ParsedQuery, synonyms: Sequence[str] = ()) -> None:
        self.query = query
        self.targets = _targets(query, synonyms)
        self._texts = {t.text for t in self.targets}
        self._stems = {t.stem for t in self.targets}
        self._prefixes = tuple(t.text for t in self.targets if t.prefix)
        self._typos = tuple((t.text, t.typos, t.prefix) for t in self.targets if t.typos)
        # A word with a target's stem starts with (nearly all of) that stem.
        self._stem_heads = tuple({t.stem[:3] for t in self.targets if t.stem})
        self._matched: frozenset[str] = frozenset()
        self._lowered: dict[str, str] = {}
        self._found: dict[str, list[tuple[int, int]]] = {}
        self._folds_differently = False
        self._pattern: re.Pattern[str] | None = None
        self._learned = False

    def _matching(self, words: set[str]) -> set[str]:
        """The words (lowercased, as written) that match a target as the engine's query
        does: the same word or stem, a prefix of the last word, or within the word's typo
        budget (optimal string alignment: a transposition is one typo)."""
        # An ASCII word is its own token; only the others need the engine's folding (and
        # one check of all the words at once spares a check of each, on most pages).
        ascii_words = "".join(words).isascii()
        folded = {} if ascii_words else {w: normalise(w) for w in words if not w.isascii()}
        plain = words.difference(folded) if folded else words
        written = [*plain, *folded]
        tokens = [*plain, *folded.values()] if folded else written
        matched = self._texts.intersection(plain)
        matched.update(w for w, token in folded.items() if token in self._texts)
        heads = self._prefixes + self._stem_heads
        headed = {
            token
            for token in _lines_starting_with("\n" + "\n".join(tokens), heads)
            if token.startswith(self._prefixes)
            or (token.startswith(self._stem_heads) and stem(token) in self._stems)
        }
        matched.update(headed.intersection(plain))
        matched.update(w for w, token in folded.items() if token in headed)
        for text, typos, prefix in self._typos:
            # rapidfuzz scores every word in C; the cutoff drops the rest cheaply. A
            # prefix is compared with as many characters of each token (sliced in C).
            choices = list(map(itemgetter(slice(len(text))), tokens)) if prefix else tokens
            for _, _, index in process.extract(
                text, choices, scorer=OSA.distance, score_cutoff=typos, limit=None
            ):
                if prefix and len(tokens[index]) < len(text) - typos:
                    continue
                matched.add(written[index])
        return matched

    def learn(self, texts: Sequence[str]) -> None:
        """Judges every distinct word of `texts` at once, and finds where the matches stand
        in them (call it with all the texts a page of hits will mark)."""
        unique = dict.fromkeys(texts)
        ascii_texts = [text for text in unique if text.isascii()]
        # The ASCII texts (nearly all) make one string, lowercased and with non-word
        # characters blanked out: split into words, then searched for each match.
        page = " ".join(ascii_texts).translate(_ASCII_WORDS)
        self._lowered = {text: text.lower() for text in unique if not text.isascii()}
        other_words = _distinct_words(self._lowered.values())
        words = set(page.split())
        words.update(other_words)
        matched = frozenset(self._matching(words))
        self._matched = matched
        self._pattern = None
        self._folds_differently = any(_CASE_VARIANTS.search(word) for word in matched)
        self._found = {}
        if not self._folds_differently:
            self._found = _spans_by_text(ascii_texts, page, matched)
            others = self._lowercase_texts(other_words)
            others_page = " ".join(self._lowered[text] for text in others)
            self._found.update(_spans_by_text(others, others_page, matched))
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

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The character ranges of the words in `text` that the query matches."""
        if not self._learned:
            self.learn([text])
        found = self._found.get(text)
        if found is not None:
            return list(found)
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


def _lines_starting_with(lines: str, heads: Iterable[str]) -> set[str]:
    """The lines of `lines` (each after a newline) that start with one of `heads`: a
    substring search per head, rather than a call to `startswith` per line."""
    found: set[str] = set()
    for head in heads:
        needle = "\n" + head
        start = lines.find(needle)
        while start != -1:
            end = lines.find("\n", start + 1)
            end = len(lines) if end == -1 else end
            found.add(lines[start + 1 : end])
            start = lines.find(needle, end)
    return found


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
    texts: Sequence[str], page: str, words: Iterable[str]
) -> dict[str, list[tuple[int, int]]]:
    """The spans of `words` in each of `texts`, found in `page`: the texts joined by spaces,
    lowercased with every character kept in place. One search per word, not per text too."""
    found: dict[str, list[tuple[int, int]]] = {text: [] for text in texts}
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    for start, end in _word_spans(page, words):
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
