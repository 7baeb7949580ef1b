"""The schema as a whole: documented throughout, buildable per app, guarded against deep queries."""

from __future__ import annotations

import strawberry
from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType
from strawberry.extensions.validation_cache import _get_validate_cache

from schema.api import DOCUMENT_CACHE_SIZE, build_schema
from server.database import Database
from server.settings import Settings
from tests.schema.conftest import ContextFactory

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def test_every_type_field_and_argument_has_a_description(schema: strawberry.Schema) -> None:
    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(
            graphql_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.append(f"{name}.{field_name}({argument_name})")

    assert missing == []


def test_root_fields(schema: strawberry.Schema) -> None:
    assert set(schema._schema.query_type.fields) == {
        "node",
        "event",
        "person",
        "committee",
        "topic",
        "organisation",
        "events",
        "people",
        "committees",
        "topics",
        "organisations",
        "search",
        "apiTokens",
        "webhookSubscriptions",
        "webhookDeliveries",
    }


def test_root_mutations(schema: strawberry.Schema) -> None:
    assert schema._schema.mutation_type is not None
    assert set(schema._schema.mutation_type.fields) == {
        *(f"{verb}Event" for verb in ("create", "update", "publish", "unpublish", "delete")),
        "restoreEventRevision",
        "createPreviewToken",
        "addParticipant",
        "removeParticipant",
        "reorderParticipants",
        *(
            f"{verb}{kind}"
            for verb in ("create", "update", "delete")
            for kind in ("Recording", "Person", "Committee", "Organisation", "Topic")
        ),
        "createApiToken",
        "revokeApiToken",
        *(f"{verb}WebhookSubscription" for verb in ("create", "remove", "enable", "test")),
    }


def test_every_content_mutation_answers_with_its_success_or_a_typed_error(
    schema: strawberry.Schema,
) -> None:
    errors = {"ValidationError", "NotFoundError", "ConflictError", "PermissionDeniedError"}
    assert schema._schema.mutation_type is not None
    for name, field in schema._schema.mutation_type.fields.items():
        if name.endswith(("ApiToken", "WebhookSubscription", "PreviewToken")):  # not content
            continue
        result = field.type.of_type  # non-null
        members = {member.name for member in result.types}
        assert members - errors == {result.name.removesuffix("Result") + "Success"}, name
        assert errors <= members, name


async def test_a_schema_can_be_built_once_per_app(
    db: Database, settings: Settings, anonymous: ContextFactory
) -> None:
    for schema in (build_schema(settings), build_schema(settings)):
        result = await schema.execute("{ events { totalCount } }", context_value=anonymous())

        assert result.errors is None


async def test_queries_deeper_than_the_limit_are_refused(
    db: Database, schema: strawberry.Schema, settings: Settings, anonymous: ContextFactory
) -> None:
    loop = "events { participants { person { " * 4 + "name" + " } } }" * 4
    document = "{ " + loop.replace("events {", "events(first: 1) { nodes {", 1) + " } }"

    result = await schema.execute(document, context_value=anonymous())

    assert result.errors is not None
    assert (
        result.errors[0].message
        == f"'anonymous' exceeds maximum operation depth of {settings.graphql_max_depth}"
    )


async def test_a_repeated_document_is_validated_once(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    # The depth limit adds a validation rule; if it were a new class per
    # request, the validation cache would never hit.
    cache = _get_validate_cache(DOCUMENT_CACHE_SIZE)
    document = "{ people(first: 3) { totalCount } }"
    await schema.execute(document, context_value=anonymous())
    hits = cache.cache_info().hits

    result = await schema.execute(document, context_value=anonymous())

    assert result.errors is None
    assert cache.cache_info().hits == hits + 1
