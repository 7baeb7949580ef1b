"""The YAML dialect of seed files: how they are parsed, and the one style they are written in.

Dates stay strings while parsing (the record models parse them, with better messages),
duplicate keys are errors rather than silently overwritten, and output has stable key
order, indented block lists, literal block scalars for long or multi-line text, `""`
for empty text, and unescaped UTF-8.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

LONG_TEXT = 80
"""Strings longer than this (or with a line break) are written as literal block scalars."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _resolvers_without_timestamps() -> dict[Any, list[tuple[str, Any]]]:
    return {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


# libyaml's parser when PyYAML was built with it: it is many times faster.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SeedLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # a base chosen at import
    """A safe loader that keeps dates as text and rejects duplicate keys."""

    yaml_implicit_resolvers = _resolvers_without_timestamps()

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool | None):
                continue  # SafeLoader reports unhashable keys itself
            if key in seen:
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key '{key}'",
                    key_node.start_mark,
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


class SeedDumper(yaml.SafeDumper):
    """SafeDumper in the house style of seed files."""

    yaml_implicit_resolvers = _resolvers_without_timestamps()

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write them by hand.
        return super().increase_indent(flow, False)


def _represent_str(dumper: SeedDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if "\n" in value or len(value) > LONG_TEXT:
        style = "|"
    elif not value:
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


SeedDumper.add_representer(str, _represent_str)


def parse(text: str) -> tuple[Any, Node | None]:
    """The data in a YAML document and its node tree, whose marks give line numbers.

    Raises yaml.YAMLError, with a mark, on bad input.
    """
    loader = SeedLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def dump(data: Any) -> str:
    """The canonical YAML text for `data`, ending in a newline."""
    return yaml.dump(
        data,
        Dumper=SeedDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        indent=2,
        width=2**31,
    )
