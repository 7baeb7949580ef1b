"""What the Meilisearch backend sends and how it reads the answers: index settings,
search bodies, and search results turned into `SearchResponse`s.

Highlights come back from Meilisearch with private sentinel tags around the matches;
the text is HTML-escaped first and only then are the sentinels turned into <mark>, so
markup in the source text is always shown as text.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from search.documents import FILTER_FIELDS, HIGHLIGHT_FIELDS, SEARCHABLE_FIELDS
from search.meilisearch_filters import search_filter
from search.meilisearch_plan import PlannedQuery, Synonyms, query_plan
from search.passages import Cue, matched_cue
from search.query import DocumentKind, Facet, Highlight, Hit, SearchRequest, SearchResponse

Version = tuple[int, int]
"""A Meilisearch release as (major, minor)."""
OLDEST_SUPPORTED: Version = (1, 21)
"""The oldest Meilisearch release the backend is tested against (live, in the test suite)."""
SPLIT_ATTRIBUTE_RULE: Version = (1, 36)
"""The release that split the ranking rule `attribute` into `attributeRank` and `wordPosition`."""
RANKING_RULES = ["words", "typo", "proximity", "attributeRank", "sort", "wordPosition", "exactness"]
"""Meilisearch's default ranking rules, declared so the index never depends on server defaults."""
RANKING_RULES_BEFORE_1_36 = ["words", "typo", "proximity", "attribute", "sort", "exactness"]
"""The same defaults as releases before 1.36 name them (they refuse the new names)."""
SORTABLE_FIELDS = ["date", "start_ms"]
CROPPED_FIELDS = ("text", "body", "bio", "summary", "outcomes")
"""Long fields whose snippets are cropped around the match."""
CROP_WORDS = 30
CROP_MARKER = "…"
HIT_FIELDS = (
    "id",
    "kind",
    "event_id",
    "person_id",
    "recording_id",
    "start_ms",
    "speaker_names",
    "speaker_ids",
    "cues",
)
LIST_SEPARATOR = " · "
_WORD = re.compile(r"\w+")

HIGHLIGHTED = tuple(dict.fromkeys(f for fields in HIGHLIGHT_FIELDS.values() for f in fields))
"""Every kind's highlight fields, once each, in a stable order."""


MAX_FACET_VALUES = 10_000
MAX_TOTAL_HITS = 100_000_000
"""Above any index this project makes: `totalHits` is exact with `page`/`hitsPerPage` up to it."""


def parse_version(text: Any) -> Version:
    """(major, minor) of a `pkgVersion` such as "1.21.0" or "1.53.0-rc.1"; ValueError if none."""
    match = re.match(r"(\d+)\.(\d+)", str(text))
    if match is None:
        raise ValueError(f"not a Meilisearch version: {text!r}")
    return int(match[1]), int(match[2])


def supported_version(text: Any) -> Version:
    """The release a `pkgVersion` names; ValueError when it is not one, or is older than
    the oldest supported."""
    version = parse_version(text)
    if version < OLDEST_SUPPORTED:
        raise ValueError(
            f"Meilisearch {text} is older than {'.'.join(map(str, OLDEST_SUPPORTED))}, "
            "the oldest release supported"
        )
    return version


def ranking_rules(version: Version) -> list[str]:
    """The default ranking rules under the names this release knows."""
    return list(RANKING_RULES if version >= SPLIT_ATTRIBUTE_RULE else RANKING_RULES_BEFORE_1_36)


def index_settings(version: Version = SPLIT_ATTRIBUTE_RULE) -> dict[str, Any]:
    """The whole settings object of an index (PATCH /indexes/{uid}/settings) for a release.

    It declares no synonyms: Meilisearch looks them up only for query phrases of 1 to 3
    words and ranks their matches like the words typed, so the query plan expands them
    (`search.meilisearch_plan`), and an index set up before that has its synonyms cleared."""
    return {
        "searchableAttributes": list(SEARCHABLE_FIELDS),
        "filterableAttributes": list(FILTER_FIELDS),
        "sortableAttributes": list(SORTABLE_FIELDS),
        "rankingRules": ranking_rules(version),
        "synonyms": {},
        "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}},
        # Facet counts cover every value, as the embedded engine's do (the default is 100).
        "faceting": {"maxValuesPerFacet": MAX_FACET_VALUES},
        # Totals count every match, as the embedded engine's do (the default stops at 1000).
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    }


@dataclass(frozen=True)
class Tags:
    """Private highlight tags: random per backend, so no document text can forge a <mark>."""

    pre: str = field(default_factory=lambda: f"\ue000{secrets.token_hex(8)}\ue001")
    post: str = field(default_factory=lambda: f"\ue002{secrets.token_hex(8)}\ue003")

    def render(self, formatted: str) -> str:
        """The formatted text HTML-escaped, with the sentinels turned into <mark>…</mark>.

        Meilisearch marks only the matched start of a word found by prefix; the mark is
        widened to the whole word, as the embedded engine marks it."""
        whole_words = re.sub(
            rf"{re.escape(self.post)}(\w+)", lambda m: m.group(1) + self.post, formatted
        )
        escaped = html.escape(whole_words)
        return escaped.replace(self.pre, "<mark>").replace(self.post, "</mark>")


def search_body(request: SearchRequest, tags: Tags) -> dict[str, Any]:
    """The body of POST /indexes/{uid}/search for a page starting at a multiple of its size.

    `page`/`hitsPerPage` give an exact `totalHits` (up to `pagination.maxTotalHits`, set
    above any index's size); `offset`/`limit` would give only an estimate."""
    body: dict[str, Any] = {
        "q": request.query,
        "page": request.offset // request.limit + 1 if request.limit else 1,
        "hitsPerPage": request.limit,
        "attributesToRetrieve": list(dict.fromkeys([*HIT_FIELDS, *HIGHLIGHTED])),
        "attributesToHighlight": list(HIGHLIGHTED),
        "attributesToCrop": list(CROPPED_FIELDS),
        "cropLength": CROP_WORDS,
        "cropMarker": CROP_MARKER,
        "highlightPreTag": tags.pre,
        "highlightPostTag": tags.post,
        "showRankingScore": True,
        # Where the query matched, to point a passage's hit at the cue that holds it.
        "showMatchesPosition": True,
    }
    if (expression := search_filter(request.filter)) is not None:
        body["filter"] = expression
    if request.facets:
        body["facets"] = [facet.value for facet in request.facets]
    return body


def search_request(
    index: str, request: SearchRequest, tags: Tags, synonyms: Synonyms = ()
) -> tuple[str, dict[str, Any]]:
    """Where to POST a search and what (the plan is search/meilisearch_plan.py's).

    A plan of one search: one search when the page starts at a multiple of its size;
    otherwise one /multi-search holding a count (exact total and facets, no hits) and
    the page by `offset`/`limit`. Either way a deep page costs what page 1 does.

    A plan of several: one federated /multi-search of them; Meilisearch merges the hits,
    keeps each document once and counts the union exactly, facets included (measured on
    1.21, past 1,000 matches)."""
    body = search_body(request, tags)
    plan = query_plan(request.query, synonyms)
    if len(plan) > 1:
        return "/multi-search", federated_body(index, request, body, plan)
    body["q"] = plan[0].q
    body["matchingStrategy"] = plan[0].matching_strategy
    if not request.limit or request.offset % request.limit == 0:
        return f"/indexes/{index}/search", body
    page = {k: v for k, v in body.items() if k not in ("page", "hitsPerPage", "facets")}
    count = {
        "q": body["q"],
        "matchingStrategy": body["matchingStrategy"],
        "page": 1,
        "hitsPerPage": 0,
        "attributesToRetrieve": ["id"],
    }
    for name in ("filter", "facets"):
        if name in body:
            count[name] = body[name]
    return "/multi-search", {
        "queries": [
            {"indexUid": index, **count},
            {"indexUid": index, **page, "offset": request.offset, "limit": request.limit},
        ]
    }


def federated_body(
    index: str, request: SearchRequest, body: dict[str, Any], plan: Sequence[PlannedQuery]
) -> dict[str, Any]:
    """A federated /multi-search of the plan's searches, each with its weight, strategy
    and threshold, paged by `offset`/`limit` with facets merged over all of them."""
    query = {k: v for k, v in body.items() if k not in ("page", "hitsPerPage", "facets")}
    queries = []
    for planned in plan:
        one = {
            "indexUid": index,
            **query,
            "q": planned.q,
            "matchingStrategy": planned.matching_strategy,
            "federationOptions": {"weight": planned.weight},
        }
        if planned.threshold is not None:
            one["rankingScoreThreshold"] = planned.threshold
        queries.append(one)
    federation: dict[str, Any] = {"offset": request.offset, "limit": request.limit}
    if request.facets:
        federation["facetsByIndex"] = {index: body["facets"]}
        federation["mergeFacets"] = {"maxValuesPerFacet": MAX_FACET_VALUES}
    return {"federation": federation, "queries": queries}


def _highlights(kind: DocumentKind, formatted: dict[str, Any], tags: Tags) -> tuple[Highlight, ...]:
    highlights = []
    for name in HIGHLIGHT_FIELDS[kind]:
        value = formatted.get(name)
        items = value if isinstance(value, list) else [value]
        marked = [tags.render(item) for item in items if isinstance(item, str) and tags.pre in item]
        if marked:
            highlights.append(Highlight(name, LIST_SEPARATOR.join(marked)))
    return tuple(highlights)


def _word_at(text: str, byte_start: Any) -> tuple[int, str] | None:
    """The word starting at a byte offset of `text` (Meilisearch counts UTF-8 bytes), with
    its offset in characters."""
    if not isinstance(byte_start, int) or byte_start < 0:
        return None
    start = (
        byte_start if text.isascii() else len(text.encode()[:byte_start].decode(errors="ignore"))
    )
    word = _WORD.match(text, start)
    return (start, word.group()) if word else None


def _text_words(text: Any, bounds: Any) -> list[tuple[int, str]]:
    """The first word of each match in a text attribute, with its offset in characters."""
    if not isinstance(text, str) or not isinstance(bounds, list):
        return []
    return [word for bound in bounds if (word := _word_at(text, bound.get("start")))]


def _item_words(items: Sequence[Any], bounds: Any) -> list[tuple[int, str]]:
    """The first word of each match in a list attribute, with the index of its item
    (Meilisearch names it in `indices`)."""
    found = []
    for bound in bounds if isinstance(bounds, list) else ():
        index = (bound.get("indices") or [None])[0]
        if not (isinstance(index, int) and 0 <= index < len(items)):
            continue
        item = items[index]
        if isinstance(item, str) and (word := _word_at(item, bound.get("start"))):
            found.append((index, word[1]))
    return found


def _cue(document: dict[str, Any]) -> Cue:
    """The cue of a passage that holds its matched words (`_matchesPosition`)."""
    positions = document.get("_matchesPosition") or {}
    names = document.get("speaker_names") or []
    return matched_cue(
        document,
        _text_words(document.get("text"), positions.get("text")),
        _item_words(names, positions.get("speaker_names")),
    )


def _hit(document: dict[str, Any], tags: Tags) -> Hit:
    kind = DocumentKind(document["kind"])
    cue = _cue(document) if kind is DocumentKind.TRANSCRIPT else None
    return Hit(
        id=str(document["id"]),
        kind=kind,
        score=float(
            (document.get("_federation") or {}).get("weightedRankingScore")
            or document.get("_rankingScore")
            or 0.0
        ),
        event_id=document.get("event_id"),
        person_id=document.get("person_id"),
        recording_id=document.get("recording_id"),
        start_ms=cue.start_ms if cue else None,
        speaker_name=cue.speaker_name if cue else None,
        speaker_id=cue.speaker_id if cue else None,
        highlights=_highlights(kind, document.get("_formatted") or {}, tags),
    )


def search_response(request: SearchRequest, result: dict[str, Any], tags: Tags) -> SearchResponse:
    """A Meilisearch search result (a search, the count and page of a multi-search, or a
    federated search) as the protocol's SearchResponse."""
    if "results" in result:
        counted, paged = result["results"]
    else:
        counted = paged = result
    distribution = counted.get("facetDistribution") or {}
    facets: dict[Facet, dict[str, int]] = {
        facet: {
            str(value): int(count) for value, count in (distribution.get(facet.value) or {}).items()
        }
        for facet in request.facets
    }
    # A federated search counts the union of its queries exactly, as `estimatedTotalHits`.
    total = counted.get("totalHits", counted.get("estimatedTotalHits"))
    return SearchResponse(
        total_hits=int(total or 0),
        processing_time_ms=float(counted.get("processingTimeMs") or 0)
        + (float(paged.get("processingTimeMs") or 0) if paged is not counted else 0.0),
        hits=[_hit(document, tags) for document in paged.get("hits") or []],
        facets=facets,
    )
