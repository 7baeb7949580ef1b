"""Highlighted snippets: the matched words wrapped in <mark>, everything else HTML-escaped.

The embedded engine's own snippets miss typo and prefix matches, so matching is
done here with the same rules the query used (`search.text.matches_word`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from search.text import ParsedQuery, QueryWord, matches_word, stem, word_spans

CROP_WORDS = 30
"""About how many words a snippet of a long field keeps around its best match."""
ELLIPSIS = "…"


def _targets(query: ParsedQuery, synonyms: Sequence[str]) -> list[QueryWord]:
    targets = list(query.words)
    extra = [w for phrase in query.phrases for w in phrase] + [
        w for synonym in synonyms for w in synonym.split()
    ]
    targets.extend(QueryWord(w, stem(w), 0, prefix=False) for w in extra)
    return targets


def matched_spans(text: str, query: ParsedQuery, synonyms: Sequence[str] = ()) -> list[tuple[int, int]]:
    """The character ranges of the words in `text` that the query matches."""
    targets = _targets(query, synonyms)
    return [
        (start, end)
        for start, end, token in word_spans(text)
        if token and any(matches_word(token, target) for target in targets)
    ]


def _mark(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
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


def snippet(
    text: str, query: ParsedQuery, *, crop: bool, synonyms: Sequence[str] = ()
) -> str | None:
    """The text with its matches marked, cropped around the densest matches when `crop`;
    None when nothing in it matches."""
    spans = matched_spans(text, query, synonyms)
    if not spans:
        return None
    if not crop:
        return _mark(text, spans, 0, len(text))
    words = word_spans(text)
    if len(words) <= CROP_WORDS:
        return _mark(text, spans, 0, len(text))
    starts = [w[0] for w in words]
    # Slide a window of CROP_WORDS words; keep the one holding the most matches.
    best_first, best_count = 0, -1
    span_index = 0
    for first in range(0, len(words) - CROP_WORDS + 1):
        window_start, window_end = starts[first], words[first + CROP_WORDS - 1][1]
        while span_index < len(spans) and spans[span_index][0] < window_start:
            span_index += 1
        count = 0
        for span in spans[span_index:]:
            if span[0] >= window_end:
                break
            count += 1
        if count > best_count:
            best_first, best_count = first, count
    # Start a little before the first match so it reads in context.
    matched_starts = {span_start for span_start, _ in spans}
    first_match = next(
        (i for i in range(best_first, len(words)) if words[i][0] in matched_starts), best_first
    )
    first = max(0, min(best_first, first_match - 3))
    last = min(len(words) - 1, first + CROP_WORDS - 1)
    start, end = words[first][0], words[last][1]
    prefix = ELLIPSIS if first > 0 else ""
    suffix = ELLIPSIS if last < len(words) - 1 else ""
    return prefix + _mark(text, spans, start, end) + suffix
