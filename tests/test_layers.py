"""The layers depend one way: schema/ and search/ on server/, cms/ on all three, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "server": ("search", "schema", "cms"),
    "search": ("schema", "cms"),
    "schema": ("cms",),
}
"""What each package must never import, at any depth (late and TYPE_CHECKING imports too)."""

ENGINE_CLIENTS = ("tantivy", "meilisearch", "meilisearch_python_sdk")
"""Only search/ talks to a search engine."""


def imported_modules(source: str, module: str) -> set[str]:
    """Every module `source` (the text of `module`) imports, wherever the import stands."""
    found: set[str] = set()
    package = module.split(".")[:-1] if not module.endswith("__init__") else module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            if node.module:
                found.add(".".join([*base, node.module]))
            else:  # `from . import sibling`
                found.update(".".join([*base, alias.name]) for alias in node.names)
    return found


def package_modules(package: str) -> list[tuple[str, str]]:
    """(dotted name, source) of every module under `package`."""
    return [
        (".".join(path.relative_to(ROOT).with_suffix("").parts), path.read_text())
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def _offending(module: str, source: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for name in imported_modules(source, module)
        if name.split(".")[0] in forbidden
    )


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_layers_above_it(package: str) -> None:
    problems = [
        problem
        for module, source in package_modules(package)
        for problem in _offending(module, source, FORBIDDEN[package])
    ]

    assert package_modules(package), f"no modules found under {package}/"
    assert problems == []


@pytest.mark.parametrize("package", ["cms", "schema", "server"])
def test_only_search_talks_to_a_search_engine(package: str) -> None:
    problems = [
        problem
        for module, source in package_modules(package)
        for problem in _offending(module, source, ENGINE_CLIENTS)
    ]

    assert problems == []


def test_late_and_type_checking_imports_count_too() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from search.query import Hit\n"
        "def build():\n"
        "    import schema.view\n"
        "    from . import sibling\n"
    )

    assert _offending("server.example", source, FORBIDDEN["server"]) == [
        "server.example imports schema.view",
        "server.example imports search.query",
    ]
    assert "server.sibling" in imported_modules(source, "server.example")
