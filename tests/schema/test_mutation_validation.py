"""Every rule a write must keep comes back as a ValidationError naming the field and a code."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry

from server.content.models import Event, Person
from server.database import Database
from tests.factories import make_committee, make_event, make_organisation, make_person, make_topic
from tests.schema.conftest import ContextFactory

CREATE_EVENT = """
mutation CreateEvent($input: EventCreateInput!) {
  createEvent(input: $input) {
    __typename
    ... on ValidationError { errors { field code message } }
  }
}
"""

UPDATE_EVENT = """
mutation UpdateEvent($slug: String!, $input: EventUpdateInput!) {
  updateEvent(slug: $slug, input: $input) {
    __typename
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_PERSON = """
mutation CreatePerson($input: PersonCreateInput!) {
  createPerson(input: $input) {
    __typename
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_ORGANISATION = """
mutation CreateOrganisation($input: OrganisationCreateInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_COMMITTEE = """
mutation CreateCommittee($input: CommitteeCreateInput!) {
  createCommittee(input: $input) {
    __typename
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_TOPIC = """
mutation CreateTopic($input: TopicCreateInput!) {
  createTopic(input: $input) {
    __typename
    ... on ValidationError { errors { field code message } }
  }
}
"""

EVENT = {"slug": "a-panel", "title": "A panel", "dates": ["2024-05-01"]}


async def errors_of(
    schema: strawberry.Schema, context: Any, document: str, **variables: Any
) -> list[tuple[str, str]]:
    result = await schema.execute(document, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    (payload,) = result.data.values()
    assert payload["__typename"] == "ValidationError"
    return [(error["field"], error["code"]) for error in payload["errors"]]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": "   "}, [("title", "REQUIRED")]),
        ({"dates": []}, [("dates", "REQUIRED")]),
        ({"slug": ""}, [("slug", "REQUIRED")]),
        ({"slug": "Not A Slug"}, [("slug", "INVALID")]),
        ({"slug": "a" * 101}, [("slug", "TOO_LONG")]),
        ({"slug": "taken"}, [("slug", "DUPLICATE")]),
        ({"title": "x" * 301}, [("title", "TOO_LONG")]),
        ({"summary": "x" * 1001}, [("summary", "TOO_LONG")]),
        ({"body": "x" * 100_001}, [("body", "TOO_LONG")]),
        ({"outcomes": "x" * 20_001}, [("outcomes", "TOO_LONG")]),
        ({"editorNote": "x" * 5_001}, [("editorNote", "TOO_LONG")]),
        ({"place": "x" * 301}, [("place", "TOO_LONG")]),
        ({"dates": ["1850-01-01"]}, [("dates[0]", "INVALID")]),
        ({"dates": ["2024-05-02", "2024-05-01"]}, [("dates", "INVALID")]),
        ({"dates": ["2024-05-01", "2024-05-01"]}, [("dates[1]", "DUPLICATE")]),
        ({"image": {"src": "javascript:alert(1)"}}, [("image.src", "INVALID")]),
        ({"image": {"src": "ftp://example.org/a.jpg"}}, [("image.src", "INVALID")]),
        (
            {"image": {"src": "https://example.org/a.jpg", "creditUrl": "example.org"}},
            [("image.creditUrl", "INVALID")],
        ),
        ({"committee": "no-such-committee"}, [("committee", "NOT_FOUND")]),
        ({"topics": ["impunity", "nope"]}, [("topics[1]", "NOT_FOUND")]),
        ({"topics": ["impunity", "impunity"]}, [("topics[1]", "DUPLICATE")]),
        (
            {"participants": [{"person": "nobody", "role": "SPEAKER"}]},
            [("participants[0].person", "NOT_FOUND")],
        ),
        (
            {
                "participants": [
                    {"person": "speaker", "role": "SPEAKER"},
                    {"person": "speaker", "role": "SPEAKER"},
                ]
            },
            [("participants[1]", "DUPLICATE")],
        ),
        (
            {"participants": [{"person": "speaker", "role": "SPEAKER", "session": "2024-06-01"}]},
            [("participants[0].session", "INVALID")],
        ),
        (
            {"participants": [{"person": "speaker", "role": "HOST", "affiliation": "x" * 301}]},
            [("participants[0].affiliation", "TOO_LONG")],
        ),
        (
            {"organisations": [{"organisation": "ghost-ngo"}]},
            [("organisations[0].organisation", "NOT_FOUND")],
        ),
        (
            {"organisations": [{"organisation": "amnesty", "role": ""}]},
            [("organisations[0].role", "REQUIRED")],
        ),
    ],
)
async def test_creating_an_event_checks_every_rule(
    schema: strawberry.Schema,
    editor: ContextFactory,
    db: Database,
    changes: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    await make_event(slug="taken")
    await make_person(slug="speaker")
    await make_topic(slug="impunity")
    await make_organisation(slug="amnesty")

    errors = await errors_of(schema, editor(), CREATE_EVENT, input=EVENT | changes)

    assert errors == expected
    assert await Event.all().count() == 1


async def test_every_broken_rule_is_reported_at_once(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    errors = await errors_of(
        schema,
        editor(),
        CREATE_EVENT,
        input={"slug": "Bad Slug", "title": "", "dates": [], "committee": "nope"},
    )

    assert errors == [
        ("slug", "INVALID"),
        ("title", "REQUIRED"),
        ("dates", "REQUIRED"),
        ("committee", "NOT_FOUND"),
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": None}, [("title", "REQUIRED")]),
        ({"dates": None}, [("dates", "REQUIRED")]),
        ({"slug": "taken"}, [("slug", "DUPLICATE")]),
        ({"slug": "No"}, [("slug", "INVALID")]),
        ({"image": {"src": "http://"}}, [("image.src", "INVALID")]),
    ],
)
async def test_an_update_is_checked_as_a_whole_event(
    schema: strawberry.Schema,
    editor: ContextFactory,
    db: Database,
    changes: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    await make_event(slug="taken")
    event = await make_event(slug="mine", title="Mine")

    errors = await errors_of(
        schema, editor(), UPDATE_EVENT, slug="mine", input={"version": 1} | changes
    )

    assert errors == expected
    unchanged = await Event.get(id=event.id)
    assert (unchanged.slug, unchanged.title, unchanged.version) == ("mine", "Mine", 1)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": ""}, [("name", "REQUIRED")]),
        ({"name": "x" * 201}, [("name", "TOO_LONG")]),
        ({"bio": "x" * 10_001}, [("bio", "TOO_LONG")]),
        ({"slug": "ada"}, [("slug", "DUPLICATE")]),
        (
            {"links": [{"label": "Site", "url": "mailto:x@example.org"}]},
            [("links[0].url", "INVALID")],
        ),
        (
            {"links": [{"label": "", "url": "https://example.org"}]},
            [("links[0].label", "REQUIRED")],
        ),
        ({"affiliations": [{}]}, [("affiliations[0]", "REQUIRED")]),
        (
            {"affiliations": [{"organisation": "ghost-ngo"}]},
            [("affiliations[0].organisation", "NOT_FOUND")],
        ),
    ],
)
async def test_creating_a_person_checks_every_rule(
    schema: strawberry.Schema,
    editor: ContextFactory,
    db: Database,
    changes: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    await make_person(slug="ada")

    errors = await errors_of(
        schema, editor(), CREATE_PERSON, input={"slug": "grace", "name": "Grace"} | changes
    )

    assert errors == expected
    assert await Person.all().count() == 1


@pytest.mark.parametrize(
    ("document", "variables", "expected"),
    [
        (
            CREATE_ORGANISATION,
            {"slug": "ngo", "name": "NGO", "url": "file:///etc/passwd"},
            [("url", "INVALID")],
        ),
        (CREATE_ORGANISATION, {"slug": "ngo", "name": "x" * 201}, [("name", "TOO_LONG")]),
        (CREATE_TOPIC, {"slug": "-bad-", "name": "Bad"}, [("slug", "INVALID")]),
        (CREATE_TOPIC, {"slug": "climate", "name": ""}, [("name", "REQUIRED")]),
        (
            CREATE_COMMITTEE,
            {"slug": "c", "name": "C", "members": [{"person": "nobody", "role": "chair"}]},
            [("members[0].person", "NOT_FOUND")],
        ),
        (
            CREATE_COMMITTEE,
            {"slug": "c", "name": "C", "description": "x" * 10_001},
            [("description", "TOO_LONG")],
        ),
        (CREATE_COMMITTEE, {"slug": "hrd", "name": "Again"}, [("slug", "DUPLICATE")]),
    ],
)
async def test_the_other_kinds_check_their_rules_too(
    schema: strawberry.Schema,
    editor: ContextFactory,
    db: Database,
    document: str,
    variables: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    await make_committee(slug="hrd")

    assert await errors_of(schema, editor(), document, input=variables) == expected


async def test_overlong_references_are_reported_not_crashed_on(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    long = "a" * 150
    errors = await errors_of(
        schema,
        editor(),
        CREATE_EVENT,
        input=EVENT
        | {
            "committee": long,
            "topics": [long],
            "participants": [{"person": long, "role": "HOST"}],
            "organisations": [{"organisation": long}],
        },
    )

    assert errors == [
        ("committee", "NOT_FOUND"),
        ("topics[0]", "NOT_FOUND"),
        ("participants[0].person", "NOT_FOUND"),
        ("organisations[0].organisation", "NOT_FOUND"),
    ]
