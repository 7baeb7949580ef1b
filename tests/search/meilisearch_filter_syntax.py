"""Meilisearch's filter syntax read back, for tests: a small parser and evaluator.

It reads what the backend sends (comparisons, IN lists, AND/OR/NOT, parentheses) the way
Meilisearch does: a quoted value is unescaped once (`\\x` becomes `x`), and AND/OR/NOT/IN
are keywords only outside quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r'\s*(?:(?P<q>"(?:\\.|[^"\\])*")|(?P<op>>=|<=|!=|=|>|<|\[|\]|\(|\)|,)|(?P<w>[^\s\[\](),"=<>!]+))'
)


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        found = _TOKEN.match(text, position)
        assert found, f"cannot read the filter at {text[position:]!r}"
        if found["q"] is not None:
            tokens.append(("value", re.sub(r"\\(.)", r"\1", found["q"][1:-1])))
        elif found["op"] is not None:
            tokens.append(("op", found["op"]))
        else:
            word = found["w"]
            keyword = word.upper() in ("AND", "OR", "NOT", "IN")
            tokens.append(("kw", word.upper()) if keyword else ("word", word))
        position = found.end()
    return tokens


def parse_filter(text: str) -> Any:
    """A filter string as a tree: ("and"|"or", [...]), ("not", x), ("in", field, values),
    ("cmp", field, op, value). Quoted values come back unescaped, as Meilisearch reads them."""
    tokens = _tokens(text)

    def peek() -> tuple[str, Any] | None:
        return tokens[0] if tokens else None

    def take(kind: str, value: Any = None) -> Any:
        token = tokens.pop(0)
        assert token[0] == kind and (value is None or token[1] == value), (token, kind, value)
        return token[1]

    def scalar() -> Any:
        kind, value = tokens.pop(0)
        assert kind in ("value", "word"), (kind, value)
        return value if kind == "value" else (int(value) if value.lstrip("-").isdigit() else value)

    def atom() -> Any:
        if peek() == ("op", "("):
            take("op", "(")
            inner = disjunction()
            take("op", ")")
            return inner
        if peek() == ("kw", "NOT"):
            take("kw")
            return ("not", atom())
        name = take("word")
        negated = peek() == ("kw", "NOT")  # `field NOT IN [...]`
        if negated:
            take("kw")
        if peek() == ("kw", "IN") or negated:
            take("kw", "IN")
            take("op", "[")
            values = [scalar()]
            while peek() == ("op", ","):
                take("op", ",")
                values.append(scalar())
            take("op", "]")
            return ("not", ("in", name, values)) if negated else ("in", name, values)
        return ("cmp", name, take("op"), scalar())

    def conjunction() -> Any:
        parts = [atom()]
        while peek() == ("kw", "AND"):
            take("kw")
            parts.append(atom())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def disjunction() -> Any:
        parts = [conjunction()]
        while peek() == ("kw", "OR"):
            take("kw")
            parts.append(conjunction())
        return parts[0] if len(parts) == 1 else ("or", parts)

    tree = disjunction()
    assert not tokens, f"left over: {tokens}"
    return tree


def filter_fields(tree: Any) -> set[str]:
    if tree[0] in ("and", "or"):
        return set().union(*(filter_fields(part) for part in tree[1]))
    return filter_fields(tree[1]) if tree[0] == "not" else {tree[1]}


def matches_filter(tree: Any, doc: dict[str, Any]) -> bool:
    if tree[0] == "and":
        return all(matches_filter(part, doc) for part in tree[1])
    if tree[0] == "or":
        return any(matches_filter(part, doc) for part in tree[1])
    if tree[0] == "not":
        return not matches_filter(tree[1], doc)
    value = doc.get(tree[1])
    values = value if isinstance(value, list) else [value]
    if tree[0] == "in":
        return any(str(v) == str(w) for v in values if v is not None for w in tree[2])
    compare: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda a, b: str(a) == str(b),
        "!=": lambda a, b: str(a) != str(b),
        ">=": lambda a, b: a >= b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        "<": lambda a, b: a < b,
    }
    return any(v is not None and compare[tree[2]](v, tree[3]) for v in values)
