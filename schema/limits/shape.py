"""A validation rule against padded documents, checked before any other rule (guarded_validation.py).

Three shapes are cheap to send and dear to check:
- one field over and over: the spec's OverlappingFieldsCanBeMerged compares every
  pair of fields with the same name in a selection set, so 200 copies of one
  field took it 0.4 s;
- directive after directive;
- a fragment bomb: fragments that spread the next one several times, which
  Strawberry's depth and alias limiters expand without memory (ten levels of
  eight spreads took them minutes). The size of the document with its fragments
  expanded is computed here once per fragment, and bounded.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphql import (
    BREAK,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

# Far above what a page needs (a few hundred fields), far below a bomb.
MAX_EXPANDED_FIELDS = 5000


def _response_keys(selection_set: SelectionSetNode) -> Counter[str]:
    """How often each response key appears in a selection set, inline fragments included."""
    keys: Counter[str] = Counter()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            keys[(selection.alias or selection.name).value] += 1
        elif isinstance(selection, InlineFragmentNode):
            keys.update(_response_keys(selection.selection_set))
    return keys


def expanded_fields(document: DocumentNode) -> int:
    """How many fields the document's operations hold once every fragment is expanded."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    expanding: set[str] = set()

    def fragment(name: str) -> int:
        if name not in sizes:
            if name in expanding or name not in fragments:
                return 0  # a cycle or an unknown fragment: the spec's rules report those
            expanding.add(name)
            sizes[name] = selection_set(fragments[name].selection_set)
            expanding.discard(name)
        return sizes[name]

    def selection_set(node: SelectionSetNode | None) -> int:
        total = 0
        for selection in node.selections if node else ():
            if isinstance(selection, FieldNode):
                total += 1 + selection_set(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += selection_set(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment(selection.name.value)
        return total

    return sum(
        selection_set(d.selection_set)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def create_shape_rule(max_field_repeats: int, max_directives: int) -> type[ValidationRule]:
    """A rule refusing a field repeated over `max_field_repeats` times in one selection set,
    more than `max_directives` directives, and more than MAX_EXPANDED_FIELDS fields expanded."""

    class DocumentShapeRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.directives = 0

        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            size = expanded_fields(node)
            if size > MAX_EXPANDED_FIELDS:
                self.report_error(
                    GraphQLError(
                        f"The document has {size} fields once its fragments are expanded; "
                        f"at most {MAX_EXPANDED_FIELDS} are allowed.",
                        extensions={"code": "DOCUMENT_TOO_LARGE"},
                    )
                )
                return BREAK
            return None

        def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> Any:
            key, count = (_response_keys(node).most_common(1) or [("", 0)])[0]
            if count > max_field_repeats:
                self.report_error(
                    GraphQLError(
                        f"The field '{key}' appears {count} times in one selection; "
                        f"at most {max_field_repeats} are allowed.",
                        node,
                        extensions={"code": "FIELD_REPEATED"},
                    )
                )
                return BREAK
            return None

        def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
            self.directives += 1
            if self.directives > max_directives:
                self.report_error(
                    GraphQLError(
                        f"The document has more than {max_directives} directives.",
                        node,
                        extensions={"code": "TOO_MANY_DIRECTIVES"},
                    )
                )
                return BREAK
            return None

    return DocumentShapeRule
