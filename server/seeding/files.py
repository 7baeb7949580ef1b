"""Seed files on disk: YAML lists of records, and Markdown documents with YAML front matter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.error import MarkedYAMLError
from yaml.nodes import MappingNode, Node, SequenceNode

from server.seeding import canonical
from server.seeding.problems import Problem

FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class SourceRecord:
    """One record as read from a seed file, with the lines its fields start on."""

    file: Path
    index: int
    data: Any
    line: int
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, path: str | None) -> int:
        """The line `path` (or the nearest enclosing field that is written) starts on."""
        while path:
            if path in self.field_lines:
                return self.field_lines[path]
            path = _LAST_STEP.sub("", path)
        return self.line


_LAST_STEP = re.compile(r"(\.[^.\[]*|\[\d+\])$")


def _field_lines(node: Node, offset: int, prefix: str = "") -> dict[str, int]:
    """Maps paths like `participants[2].person` to the line they start on."""
    lines: dict[str, int] = {}
    if isinstance(node, MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines[path] = key.start_mark.line + offset
            lines.update(_field_lines(value, offset, path))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}[{index}]"
            lines[path] = item.start_mark.line + offset
            lines.update(_field_lines(item, offset, path))
    return lines


def _read_text(path: Path) -> str:
    text = path.read_bytes().decode("utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _yaml_problem(path: Path, error: yaml.YAMLError, offset: int) -> Problem:
    """The parser's complaint, placed where it found the problem and where the construct began.

    PyYAML marks count lines and columns from 0; `offset` turns its line 0 into a file
    line (front matter starts on the file's line 2).
    """
    if not isinstance(error, MarkedYAMLError) or error.problem_mark is None:
        return Problem(path, f"invalid YAML: {error}")
    message = f"invalid YAML: {error.problem}"
    if error.context:
        message += f" ({error.context}"
        if (start := error.context_mark) is not None:
            message += f" that starts at line {start.line + offset}, column {start.column + 1}"
        message += ")"
    mark = error.problem_mark
    return Problem(path, message, line=mark.line + offset, column=mark.column + 1)


def _parse(path: Path, text: str, offset: int) -> tuple[Any, Node | None, list[Problem]]:
    """The data and node tree of a YAML text; `offset` turns its line 0 into a file line."""
    try:
        data, node = canonical.parse(text)
        return data, node, []
    except yaml.YAMLError as error:
        return None, None, [_yaml_problem(path, error, offset)]


class ListFile:
    """A YAML file holding a list of records, such as `people.yaml`; a missing file is empty."""

    def __init__(self, name: str) -> None:
        self.name = name

    def read(self, root: Path) -> tuple[list[SourceRecord], list[Problem]]:
        path = root / self.name
        if not path.is_file():
            return [], []
        try:
            text = _read_text(path)
        except UnicodeDecodeError as error:
            return [], [Problem(path, f"not UTF-8 text: {error.reason}")]
        data, node, problems = _parse(path, text, offset=1)
        if problems or data is None or node is None:
            return [], problems
        if not isinstance(data, list) or not isinstance(node, SequenceNode):
            return [], [Problem(path, "expected a list of records ('- slug: ...')", line=1)]
        return [
            SourceRecord(
                path, index, item, item_node.start_mark.line + 1, _field_lines(item_node, 1)
            )
            for index, (item, item_node) in enumerate(zip(data, node.value, strict=True))
        ], []

    def write(self, root: Path, records: list[dict[str, Any]]) -> list[Path]:
        path = root / self.name
        root.mkdir(parents=True, exist_ok=True)
        path.write_text(canonical.dump(records), encoding="utf-8", newline="\n")
        return [path]


def split_front_matter(text: str) -> tuple[str, str, int]:
    """A document's front matter, its body, and the line the body starts on.

    Raises ValueError when the document does not open and close its front matter with
    `---` lines.
    """
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        raise ValueError("must start with a '---' line that opens the front matter")
    for end in range(1, len(lines)):
        if lines[end].rstrip() == FRONT_MATTER_FENCE:
            front = "".join(line + "\n" for line in lines[1:end])
            rest = lines[end + 1 :]
            skipped = 0
            while skipped < len(rest) and not rest[skipped].strip():
                skipped += 1
            return front, "\n".join(rest[skipped:]).rstrip(), end + 2 + skipped
    raise ValueError("the front matter is never closed by a '---' line")


def render_document(front: Mapping[str, Any], body: str) -> str:
    """A document with `front` as YAML front matter, then a blank line and `body`."""
    text = f"{FRONT_MATTER_FENCE}\n{canonical.dump(dict(front))}{FRONT_MATTER_FENCE}\n"
    return f"{text}\n{body}\n" if body else text


class DocumentDirectory:
    """A directory of `<slug>.md` files, each a record: YAML front matter, then a Markdown body."""

    def __init__(self, name: str, body_field: str = "body", suffix: str = ".md") -> None:
        self.name = name
        self.body_field = body_field
        self.suffix = suffix

    def read(self, root: Path) -> tuple[list[SourceRecord], list[Problem]]:
        directory = root / self.name
        if not directory.is_dir():
            return [], []
        records: list[SourceRecord] = []
        problems: list[Problem] = []
        for path in sorted(directory.glob(f"*{self.suffix}")):
            record, found = self._read_document(path)
            problems.extend(found)
            if record is not None:
                records.append(record)
        return records, problems

    def _read_document(self, path: Path) -> tuple[SourceRecord | None, list[Problem]]:
        try:
            front, body, body_line = split_front_matter(_read_text(path))
        except UnicodeDecodeError as error:
            return None, [Problem(path, f"not UTF-8 text: {error.reason}")]
        except ValueError as error:
            return None, [Problem(path, str(error), line=1)]
        data, node, problems = _parse(path, front, offset=2)
        if problems:
            return None, problems
        if not isinstance(data, dict) or not isinstance(node, MappingNode):
            return None, [Problem(path, "the front matter must be a mapping of fields", line=2)]
        lines = _field_lines(node, 2)
        if self.body_field in data:
            problems.append(
                Problem(
                    path,
                    "write it below the front matter, not in it",
                    field=self.body_field,
                    line=lines[self.body_field],
                )
            )
        slug = data.get("slug")
        if isinstance(slug, str) and slug != path.stem:
            problems.append(
                Problem(
                    path,
                    f"'{slug}' does not match the file name (expected {slug}{self.suffix})",
                    field="slug",
                    line=lines.get("slug"),
                )
            )
        data[self.body_field] = body
        lines[self.body_field] = body_line
        return SourceRecord(path, 0, data, 1, lines), problems

    def write(self, root: Path, records: list[dict[str, Any]]) -> list[Path]:
        directory = root / self.name
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for record in records:
            front = dict(record)
            body = front.pop(self.body_field)
            path = directory / f"{front['slug']}{self.suffix}"
            path.write_text(render_document(front, body), encoding="utf-8", newline="\n")
            paths.append(path)
        return paths

    def stale(self, root: Path, written: list[Path]) -> list[Path]:
        """Documents in the directory that `written` does not include."""
        directory = root / self.name
        return sorted(set(directory.glob(f"*{self.suffix}")) - set(written))
