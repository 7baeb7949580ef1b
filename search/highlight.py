"""Highlighted snippets: the matched words wrapped in <mark>, everything else HTML-escaped.

The embedded engine's own snippets miss typo and prefix matches, so matching is
done here with the rules the query used (`Highlighter._matching`). The
distinct words of a page of hits are judged together, in bulk; the marking itself
is one regular expression.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.text import ParsedQuery, QueryWord, normalise, stem

CROP_CHARS = 220
"""About how long a snippet of a long field is, around its densest matches."""
LEAD_CHARS = 40
"""How much text is kept before the first match of a cropped snippet."""
ELLIPSIS = "…"

_WORD = re.compile(r"\w+")


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
        self._pattern: re.Pattern[str] | None = None
        self._learned = False

    def _matching(self, words: set[str]) -> set[str]:
        """The words (lowercased, as written) that match a target as the engine's query
        does: the same word or stem, a prefix of the last word, or within the word's typo
        budget (optimal string alignment: a transposition is one typo)."""
        tokens = {w: (w if w.isascii() else normalise(w)) for w in words}
        matched = {w for w, token in tokens.items() if token in self._texts}
        if self._prefixes:
            matched.update(w for w, token in tokens.items() if token.startswith(self._prefixes))
        if self._stem_heads:
            matched.update(
                w
                for w, token in tokens.items()
                if token.startswith(self._stem_heads) and stem(token) in self._stems
            )
        if self._typos:
            written = list(tokens)
            folded = [tokens[w] for w in written]
            for text, typos, prefix in self._typos:
                # rapidfuzz scores every word in C; the cutoff drops the rest cheaply.
                choices = [t[: len(text)] for t in folded] if prefix else folded
                for _, _, index in process.extract(
                    text, choices, scorer=OSA.distance, score_cutoff=typos, limit=None
                ):
                    if prefix and len(folded[index]) < len(text) - typos:
                        continue
                    matched.add(written[index])
        return matched

    def learn(self, texts: Sequence[str]) -> None:
        """Judges every distinct word of `texts` at once, and builds one pattern for the
        matches (call it with all the texts a page of hits will mark)."""
        words: set[str] = set()
        for text in texts:
            words.update(_WORD.findall(text.lower()))
        matched = sorted(self._matching(words), key=len, reverse=True)
        self._learned = True
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, matched))})(?!\w)", re.IGNORECASE)
            if matched
            else None
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The character ranges of the words in `text` that the query matches."""
        if not self._learned:
            self.learn([text])
        return [m.span() for m in self._pattern.finditer(text)] if self._pattern else []

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


def _mark(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    parts: list[str] = []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        parts.append(html.escape(text[cursor:span_start]))
        parts.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(html.escape(text[cursor:end]))
    return "".join(parts)


def _window(text: str, spans: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The CROP_CHARS-long stretch holding the most matches, snapped to word boundaries."""
    best_start, best_count, last = spans[0][0], 0, 0
    for first, (span_start, _) in enumerate(spans):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] - span_start <= CROP_CHARS - LEAD_CHARS:
            last += 1
        if last - first + 1 > best_count:
            best_start, best_count = span_start, last - first + 1
    start = max(0, best_start - LEAD_CHARS)
    if start > 0:
        space = text.find(" ", start, best_start)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + CROP_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > best_start else end
    return start, end
