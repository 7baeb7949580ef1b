"""Executing documents: graphql-core's executor, with a short way through plain leaf fields.

Most values a page returns are plain leaves: an event's slug, a person's name, a
participation's role, each an attribute of the object its parent returned. For each
one graphql-core builds a resolve info, asks Strawberry's resolver for the attribute,
then completes the value through the non-null and leaf steps: a few microseconds a
value, and a page of twenty events has hundreds. The executor here reads such a field's
attribute and coerces it in one step.

A field takes the short way only when the answer is certain to be the one the full path
gives: Strawberry marked its resolver as the default (no resolver of ours, no field
extension, no permission), it has no arguments, its type is a scalar or an enum (or a
non-null one), and no middleware runs. Anything unusual on the way (the attribute
missing or null where null is not allowed, a value the type cannot coerce, something
awaitable) goes back through the full path, which reports it as it always has.

Resolvers of ours that take only the object and the info (an event's committee, its
participants, a participation's person) are called directly (`lean_resolvers`): for a
field with no arguments, no field extension, no permission and no error union, what
Strawberry puts around such a call (argument conversion, the extension chain, the
exception handlers) has nothing to do, and costs more than the call itself.

The executor also keeps itself out of a reference cycle. graphql-core's executor holds the
helpers it hands to resolvers, and those held the executor (bound methods), so each
request's whole graph (context, loaders, their futures, rows) stayed alive after the
response until the cyclic collector found it: ~400 objects a request, and a collection
of tens of milliseconds on whichever request came when enough had piled up. With the
helpers reaching the executor through a weak reference, a request's objects are freed
as soon as it ends.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from inspect import CO_ITERABLE_COROUTINE
from operator import attrgetter
from types import CoroutineType, GeneratorType
from typing import Any, NamedTuple, TypeGuard

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, Undefined, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_PLAIN: frozenset[type] = frozenset({str, int, float, bool})
"""Values that are certainly neither awaitable nor an exception."""


_AWAITABLE_TYPES: dict[type, bool] = dict.fromkeys([*_PLAIN, type(None), dict, list], False)


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """graphql-core's test, answered once per type.

    The executor asks it of every value it completes; for an object of ours that is
    `hasattr(value, "__await__")`, which raises and catches an AttributeError each time.
    Whether a value can be awaited is a property of its type (a generator is one only if
    its code is marked as an iterable coroutine, so generators are asked every time).
    """
    kind = type(value)
    known = _AWAITABLE_TYPES.get(kind)
    if known is not None:
        return known
    if kind is GeneratorType:
        return bool(value.gi_code.co_flags & CO_ITERABLE_COROUTINE)
    awaitable = kind is CoroutineType or hasattr(kind, "__await__")
    if len(_AWAITABLE_TYPES) < 10_000:  # types are few; never let the table grow unbounded
        _AWAITABLE_TYPES[kind] = awaitable
    return awaitable


class _Leaf(NamedTuple):
    """How to read one plain leaf field: its attribute reader and its type."""

    read: Callable[[Any, None], Any]
    type: GraphQLLeafType
    nullable: bool


# For each schema, each object type's plain leaf fields by name (None: not plain).
_PLANS: weakref.WeakKeyDictionary[GraphQLSchema, dict[GraphQLObjectType, dict[str, _Leaf | None]]]
_PLANS = weakref.WeakKeyDictionary()


def _plan(parent_type: GraphQLObjectType, name: str) -> _Leaf | None:
    field = parent_type.fields.get(name)
    if field is None or field.args:
        return None
    read = field.resolve
    if read is None or not getattr(read, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if isinstance(definition, StrawberryField) and definition.default_resolver is getattr:
        # What Strawberry's default resolver does for such a field, without its two calls.
        attribute = attrgetter(definition.python_name)
        read = lambda source, _: attribute(source)
    field_type = field.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    if not nullable:
        field_type = field_type.of_type
    if not is_leaf_type(field_type):
        return None
    return _Leaf(read, field_type, nullable)


def _alive(executor: weakref.ref[Executor]) -> Executor:
    """The executor a helper belongs to; resolvers only call helpers while it runs."""
    alive = executor()
    assert alive is not None, "a resolver outlived the execution it belongs to"
    return alive


def _probe(source: Any, info: Any) -> None:
    """A resolver to ask the middleware manager whether it wraps resolvers at all."""


class Executor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, reading plain leaf fields without the full path (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = _PLANS.get(self.schema)
        if plans is None:
            plans = _PLANS[self.schema] = {}
        self._plans = plans
        self.is_awaitable = _is_awaitable
        executor = weakref.ref(self)
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=lambda values: _alive(executor).gather_async_work(values),
            track=lambda values: _alive(executor).track_async_work(values),
        )
        # Strawberry always passes a middleware manager; it wraps nothing without middleware.
        manager = self.middleware_manager
        self._no_middleware = manager is None or manager.get_field_resolver(_probe) is _probe

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        node = field_details_list[0].node
        fields = self._plans.get(parent_type)
        if fields is None:
            fields = self._plans[parent_type] = {}
        name = node.name.value
        try:
            leaf = fields[name]
        except KeyError:
            leaf = fields[name] = _plan(parent_type, name)
        if leaf is not None and self._no_middleware and not node.arguments:
            try:
                value = leaf.read(source, None)
                if value is None:
                    if leaf.nullable:
                        return None
                elif type(value) in _PLAIN or (
                    not self.is_awaitable(value) and not isinstance(value, Exception)
                ):
                    coerced = leaf.type.coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:  # noqa: BLE001, S110 - the full path below reports it
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def lean_resolvers(schema: GraphQLSchema, info_class: type[Any]) -> int:
    """Calls the plain resolvers of `schema` directly (see the module); how many there are."""
    count = 0
    for named_type in schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType) or named_type.name.startswith("__"):
            continue
        for field in named_type.fields.values():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(definition, StrawberryField) and _plain_resolver(definition, field):
                field.resolve = _lean(definition, info_class)
                count += 1
    return count


def _plain_resolver(definition: StrawberryField, field: GraphQLField) -> bool:
    resolver = definition.base_resolver
    if resolver is None or resolver.is_async or definition.extensions or field.args:
        return False
    if definition.permission_classes or isinstance(get_named_type(field.type), GraphQLUnionType):
        return False  # permissions, and error unions with their exception handlers
    names = list(resolver.signature.parameters)
    if resolver.self_parameter is not None:
        return names in (["self"], ["self", "info"])
    # A classmethod on the object's type, such as Relay's `id` on every node.
    return (
        names == ["cls", "root", "info"]
        and resolver.root_parameter is not None
        and resolver.info_parameter is not None
    )


def _lean(definition: StrawberryField, info_class: type[Any]) -> Callable[..., Any]:
    assert definition.base_resolver is not None
    resolver = definition.base_resolver
    function: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]  # typed as the descriptor it may wrap
    if resolver.info_parameter is None:
        return lambda source, info: function(source)
    if resolver.self_parameter is None:  # the classmethod form, already bound to its class

        def resolve_root(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
            return function(root=source, info=info_class(_raw_info=info, _field=definition))

        return resolve_root

    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        return function(source, info=info_class(_raw_info=info, _field=definition))

    return resolve
