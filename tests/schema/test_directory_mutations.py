"""Editors create, change and delete people, committees, organisations and topics; what is
still referenced is only deleted when that is safe, and the index hears of every change."""

from __future__ import annotations

from typing import Any

import strawberry

from server.content.models import (
    Committee,
    CommitteeMember,
    Event,
    EventRevision,
    Organisation,
    Participation,
    Person,
    Topic,
)
from server.database import Database
from server.indexing.models import IndexMarker
from tests.factories import (
    make_committee,
    make_event,
    make_organisation,
    make_person,
    make_topic,
)
from tests.schema.conftest import ContextFactory

CREATE_PERSON = """
mutation CreatePerson($input: PersonCreateInput!) {
  createPerson(input: $input) {
    __typename
    ... on PersonCreateSuccess {
      person {
        slug name bio version
        links { label url }
        affiliations { title organisation { slug } }
      }
    }
  }
}
"""

UPDATE_PERSON = """
mutation UpdatePerson($slug: String!, $input: PersonUpdateInput!) {
  updatePerson(slug: $slug, input: $input) {
    __typename
    ... on PersonUpdateSuccess { person { slug name bio version affiliations { title } } }
  }
}
"""

DELETE_PERSON = """
mutation DeletePerson($slug: String!, $version: Int!, $force: Boolean! = false) {
  deletePerson(slug: $slug, version: $version, force: $force) {
    __typename
    ... on PersonDeleteSuccess { slug }
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_COMMITTEE = """
mutation CreateCommittee($input: CommitteeCreateInput!) {
  createCommittee(input: $input) {
    __typename
    ... on CommitteeCreateSuccess {
      committee { slug name version members { role person { slug } } }
    }
  }
}
"""

UPDATE_COMMITTEE = """
mutation UpdateCommittee($slug: String!, $input: CommitteeUpdateInput!) {
  updateCommittee(slug: $slug, input: $input) {
    __typename
    ... on CommitteeUpdateSuccess { committee { slug description version members { role } } }
  }
}
"""

DELETE_COMMITTEE = """
mutation DeleteCommittee($slug: String!, $version: Int!) {
  deleteCommittee(slug: $slug, version: $version) {
    __typename
    ... on CommitteeDeleteSuccess { slug }
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_ORGANISATION = """
mutation CreateOrganisation($input: OrganisationCreateInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on OrganisationCreateSuccess { organisation { slug name url version } }
  }
}
"""

UPDATE_ORGANISATION = """
mutation UpdateOrganisation($slug: String!, $input: OrganisationUpdateInput!) {
  updateOrganisation(slug: $slug, input: $input) {
    __typename
    ... on OrganisationUpdateSuccess { organisation { slug name url version } }
  }
}
"""

DELETE_ORGANISATION = """
mutation DeleteOrganisation($slug: String!, $version: Int!) {
  deleteOrganisation(slug: $slug, version: $version) {
    __typename
    ... on OrganisationDeleteSuccess { slug }
    ... on ValidationError { errors { field code message } }
  }
}
"""

CREATE_TOPIC = """
mutation CreateTopic($input: TopicCreateInput!) {
  createTopic(input: $input) {
    __typename
    ... on TopicCreateSuccess { topic { slug name version } }
  }
}
"""

UPDATE_TOPIC = """
mutation UpdateTopic($slug: String!, $input: TopicUpdateInput!) {
  updateTopic(slug: $slug, input: $input) {
    __typename
    ... on TopicUpdateSuccess { topic { slug name version } }
  }
}
"""

DELETE_TOPIC = """
mutation DeleteTopic($slug: String!, $version: Int!) {
  deleteTopic(slug: $slug, version: $version) {
    __typename
    ... on TopicDeleteSuccess { slug }
    ... on ValidationError { errors { field code message } }
  }
}
"""


async def run(
    schema: strawberry.Schema, context: Any, document: str, **variables: Any
) -> dict[str, Any]:
    result = await schema.execute(document, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    (payload,) = result.data.values()
    return payload  # type: ignore[no-any-return]  # GraphQL data is untyped JSON


async def markers() -> set[tuple[str, int]]:
    rows = await IndexMarker.all().values_list("kind", "object_id")
    return {(kind.value, object_id) for kind, object_id in rows}


async def test_a_person_is_created_renamed_and_deleted(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    await make_organisation(slug="amnesty")

    created = await run(
        schema,
        editor(),
        CREATE_PERSON,
        input={
            "slug": "ada",
            "name": " Ada Lovelace ",
            "affiliations": [{"title": "Analyst", "organisation": "amnesty"}],
            "links": [{"label": "Site", "url": "https://ada.example"}],
        },
    )
    assert created["person"] == {
        "slug": "ada",
        "name": "Ada Lovelace",
        "bio": "",
        "version": 1,
        "links": [{"label": "Site", "url": "https://ada.example"}],
        "affiliations": [{"title": "Analyst", "organisation": {"slug": "amnesty"}}],
    }
    person_id = (await Person.get(slug="ada")).id
    assert await markers() == {("person", person_id)}

    renamed = await run(
        schema,
        editor(),
        UPDATE_PERSON,
        slug="ada",
        input={"version": 1, "slug": "ada-lovelace", "bio": "Mathematician."},
    )
    assert renamed["person"] == {
        "slug": "ada-lovelace",
        "name": "Ada Lovelace",
        "bio": "Mathematician.",
        "version": 2,
        "affiliations": [{"title": "Analyst"}],
    }

    deleted = await run(schema, editor(), DELETE_PERSON, slug="ada-lovelace", version=2)
    assert deleted == {"__typename": "PersonDeleteSuccess", "slug": "ada-lovelace"}
    assert not await Person.exists(id=person_id)


async def test_a_person_who_takes_part_is_deleted_only_with_force(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    ada = await make_person(slug="ada", name="Ada")
    grace = await make_person(slug="grace")
    event = await make_event(slug="panel", participants=[ada, grace])
    committee = await make_committee(members=[(ada, "chair")])

    refused = await run(schema, editor(), DELETE_PERSON, slug="ada", version=1)

    assert refused["errors"] == [
        {
            "field": "force",
            "code": "IN_USE",
            "message": "Ada still takes part in 1 event(s) and sits on 1 committee(s); "
            "pass force to remove those too",
        }
    ]
    assert await Participation.filter(person_id=ada.id).exists()
    assert await markers() == set()

    forced = await run(schema, editor(), DELETE_PERSON, slug="ada", version=1, force=True)

    assert forced == {"__typename": "PersonDeleteSuccess", "slug": "ada"}
    assert not await Person.exists(id=ada.id)
    assert await Participation.filter(event_id=event.id).values_list("person_id", flat=True) == [
        grace.id
    ]
    assert not await CommitteeMember.filter(committee_id=committee.id).exists()
    # The event's list changed: a new version and revision, and its document is rebuilt.
    assert (await Event.get(id=event.id)).version == 2
    revision = await EventRevision.get(event_id=event.id)
    assert [p["person"] for p in revision.snapshot["participants"]] == ["grace"]
    assert (await Committee.get(id=committee.id)).version == 2
    assert await markers() >= {("person", ada.id), ("event", event.id)}


async def test_a_committee_is_created_changed_and_deleted_once_it_runs_no_events(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    await make_person(slug="ada")
    await make_person(slug="grace")

    created = await run(
        schema,
        editor(),
        CREATE_COMMITTEE,
        input={"slug": "hrd", "name": "Defenders", "members": [{"person": "ada", "role": "chair"}]},
    )
    assert created["committee"] == {
        "slug": "hrd",
        "name": "Defenders",
        "version": 1,
        "members": [{"role": "chair", "person": {"slug": "ada"}}],
    }

    changed = await run(
        schema,
        editor(),
        UPDATE_COMMITTEE,
        slug="hrd",
        input={
            "version": 1,
            "description": "Human rights defenders.",
            "members": [{"person": "grace", "role": "chair"}, {"person": "ada", "role": "member"}],
        },
    )
    assert changed["committee"] == {
        "slug": "hrd",
        "description": "Human rights defenders.",
        "version": 2,
        "members": [{"role": "chair"}, {"role": "member"}],
    }

    committee = await Committee.get(slug="hrd")
    event = await make_event(committee=committee)
    refused = await run(schema, editor(), DELETE_COMMITTEE, slug="hrd", version=2)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("slug", "IN_USE")]
    assert await Committee.exists(id=committee.id)

    await event.delete()
    await IndexMarker.all().delete()
    deleted = await run(schema, editor(), DELETE_COMMITTEE, slug="hrd", version=2)
    assert deleted == {"__typename": "CommitteeDeleteSuccess", "slug": "hrd"}
    assert not await CommitteeMember.all().exists()
    ada, grace = await Person.filter(slug__in=["ada", "grace"]).order_by("slug")
    # Members' documents listed the committee: they are rebuilt.
    assert await markers() == {("person", ada.id), ("person", grace.id)}


async def test_an_organisation_is_created_changed_and_deleted_once_nothing_names_it(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    created = await run(
        schema,
        editor(),
        CREATE_ORGANISATION,
        input={"slug": "ngo", "name": "An NGO", "url": "https://ngo.example"},
    )
    assert created["organisation"] == {
        "slug": "ngo",
        "name": "An NGO",
        "url": "https://ngo.example",
        "version": 1,
    }
    changed = await run(
        schema, editor(), UPDATE_ORGANISATION, slug="ngo", input={"version": 1, "url": None}
    )
    assert changed["organisation"] == {"slug": "ngo", "name": "An NGO", "url": None, "version": 2}

    organisation = await Organisation.get(slug="ngo")
    member = await make_person(affiliations=[("Director", organisation)])
    partnered = await make_event(organisations=[organisation])
    refused = await run(schema, editor(), DELETE_ORGANISATION, slug="ngo", version=2)
    assert refused["errors"][0]["code"] == "IN_USE"
    assert "1 affiliation(s)" in refused["errors"][0]["message"]
    assert "1 event(s)" in refused["errors"][0]["message"]

    await member.delete()
    await partnered.delete()
    deleted = await run(schema, editor(), DELETE_ORGANISATION, slug="ngo", version=2)
    assert deleted == {"__typename": "OrganisationDeleteSuccess", "slug": "ngo"}
    assert not await Organisation.exists(slug="ngo")


async def test_a_topic_is_created_renamed_and_deleted_once_no_event_is_tagged(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    created = await run(
        schema, editor(), CREATE_TOPIC, input={"slug": "climate", "name": "Climate"}
    )
    assert created["topic"] == {"slug": "climate", "name": "Climate", "version": 1}

    topic = await Topic.get(slug="climate")
    event = await make_event(topics=[topic])
    renamed = await run(
        schema,
        editor(),
        UPDATE_TOPIC,
        slug="climate",
        input={"version": 1, "name": "Climate justice"},
    )
    assert renamed["topic"] == {"slug": "climate", "name": "Climate justice", "version": 2}
    # The tagged event's document shows the topic's name: it is rebuilt.
    assert ("event", event.id) in await markers()

    refused = await run(schema, editor(), DELETE_TOPIC, slug="climate", version=2)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("slug", "IN_USE")]

    await event.delete()
    deleted = await run(schema, editor(), DELETE_TOPIC, slug="climate", version=2)
    assert deleted == {"__typename": "TopicDeleteSuccess", "slug": "climate"}
    assert not await Topic.exists(slug="climate")


async def test_anonymous_callers_may_not_change_the_directory(
    schema: strawberry.Schema, anonymous: ContextFactory, db: Database
) -> None:
    await make_topic(slug="climate")

    results = [
        await run(schema, anonymous(), CREATE_PERSON, input={"slug": "x", "name": "X"}),
        await run(schema, anonymous(), CREATE_COMMITTEE, input={"slug": "x", "name": "X"}),
        await run(schema, anonymous(), CREATE_ORGANISATION, input={"slug": "x", "name": "X"}),
        await run(
            schema, anonymous(), UPDATE_TOPIC, slug="climate", input={"version": 1, "name": "Y"}
        ),
        await run(schema, anonymous(), DELETE_TOPIC, slug="climate", version=1),
    ]

    assert {r["__typename"] for r in results} == {"PermissionDeniedError"}
    assert await Topic.get(slug="climate").values_list("name", flat=True) == "Climate"
    assert not await Person.all().exists()
    assert await markers() == set()
