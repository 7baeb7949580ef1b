"""A validation rule that refuses documents whose worst-case cost is over a budget.

The cost of a document is the number of field values it can make the server
resolve: every field costs 1 for each object it is asked on, and a list field
multiplies what is selected under it by how long the list can be:
- a field with a `first` or `last` argument is as long as that argument says (a
  variable counts as its default, or as the maximum page size when it has none,
  since validation cannot see variables; an omitted argument counts as the
  field's default, or the default page size);
- a list directly inside such a field that is not itself a list (a connection's
  `edges` and `nodes`, search's `hits`) is as long as that field's page;
- a short list without a page size is charged its entry in UNPAGED_LIST_SIZES;
- any other list is charged a full page (the maximum page size).
Fragments are expanded, each priced once per page size, so a fragment bomb
costs what it would resolve without taking long to price. Introspection fields
are free here: `MaxIntrospectionDepthRule` bounds them.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)

PAGE_ARGUMENTS = ("first", "last")
# Lists without a page size that editors keep short, with the length each is
# charged (in seeds/, events have at most 6 participants or topics and people
# at most 5 affiliations). None charges a full page: those grow with use.
# tests/schema/test_cost.py fails for a list that is neither paged nor here.
UNPAGED_LIST_SIZES: dict[str, int | None] = {
    "Event.dates": 5,
    "Event.participants": 5,
    "Event.topics": 5,
    "Event.recordings": 5,
    "Event.organisations": 5,
    "Event.revisions": None,
    "Person.links": 5,
    "Person.affiliations": 5,
    "Committee.members": 5,
    "EventHit.highlights": 5,
    "PersonHit.highlights": 5,
    "SearchResults.facets": 6,
    "FacetCount.values": None,
    "ValidationError.errors": 10,
    "Query.apiTokens": None,
    "Query.webhookSubscriptions": None,
    "WebhookSubscription.events": None,
}


def _is_list(type_: GraphQLOutputType) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class _Pricer:
    """Prices one operation; fragment prices are kept, per page size inherited."""

    def __init__(
        self,
        context: ValidationContext,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        default_page_size: int,
        max_page_size: int,
    ) -> None:
        self.context = context
        self.fragments = fragments
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self.variable_defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        self.fragment_costs: dict[tuple[str, int | None], int] = {}
        self.pricing: set[str] = set()

    def page_size(self, node: FieldNode, field: GraphQLField) -> int | None:
        """The length a paged field asks for, or None when the field is not paged."""
        paged = [name for name in PAGE_ARGUMENTS if name in field.args]
        if not paged:
            return None
        for argument in node.arguments or ():
            if argument.name.value not in paged:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                value = self.variable_defaults.get(value.name.value) or value
            if isinstance(value, IntValueNode):
                return max(0, min(int(value.value), self.max_page_size))
            if isinstance(value, VariableNode):
                return self.max_page_size
        default = field.args[paged[0]].default_value
        return default if isinstance(default, int) else self.default_page_size

    def selection_set(
        self, selections: SelectionSetNode | None, parent: GraphQLNamedType, inherited: int | None
    ) -> int:
        """The cost of a selection set for one object of type `parent`."""
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, inherited)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                type_ = self.context.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, type_ or parent, inherited)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, inherited)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, inherited: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return 0
        field = parent.fields.get(name)
        if field is None:
            return 0  # FieldsOnCorrectTypeRule reports it
        page = self.page_size(node, field)
        child_type = get_named_type(field.type)
        if not _is_list(field.type):
            # A connection or search results: its page is the length of the lists inside.
            return 1 + self.selection_set(node.selection_set, child_type, page)
        if page is None:
            key = f"{parent.name}.{name}"
            if key in UNPAGED_LIST_SIZES:
                page = UNPAGED_LIST_SIZES[key]
            elif inherited is not None:
                page = inherited
        size = self.max_page_size if page is None else page
        return 1 + size * self.selection_set(node.selection_set, child_type, None)

    def fragment(self, name: str, inherited: int | None) -> int:
        key = (name, inherited)
        if key in self.fragment_costs:
            return self.fragment_costs[key]
        definition = self.fragments.get(name)
        if definition is None or name in self.pricing:
            return 0  # unknown or cyclic: the spec's rules report those
        type_ = self.context.schema.get_type(definition.type_condition.name.value)
        if type_ is None:
            return 0
        self.pricing.add(name)
        cost = self.selection_set(definition.selection_set, type_, inherited)
        self.pricing.discard(name)
        self.fragment_costs[key] = cost
        return cost


def document_costs(
    context: ValidationContext, default_page_size: int, max_page_size: int
) -> Iterable[tuple[OperationDefinitionNode, int]]:
    """Each operation of the context's document with its worst-case cost."""
    definitions = context.document.definitions
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    for operation in definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        root = context.schema.get_root_type(operation.operation)
        if root is None:
            continue
        pricer = _Pricer(context, operation, fragments, default_page_size, max_page_size)
        yield operation, pricer.selection_set(operation.selection_set, root, None)


def create_cost_rule(
    max_cost: int, default_page_size: int, max_page_size: int
) -> type[ValidationRule]:
    """A rule refusing operations that could resolve more than `max_cost` field values."""

    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            for operation, cost in document_costs(context, default_page_size, max_page_size):
                if cost > max_cost:
                    name = f"'{operation.name.value}' " if operation.name else ""
                    context.report_error(
                        GraphQLError(
                            f"Operation {name}costs {cost}, over the limit of {max_cost}: "
                            "ask for fewer items with `first`, or for fewer nested lists.",
                            operation,
                            extensions={
                                "code": "QUERY_TOO_COSTLY",
                                "cost": cost,
                                "maxCost": max_cost,
                            },
                        )
                    )

    return QueryCostRule
