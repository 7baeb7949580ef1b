"""Single objects by slug, with their nested fields, and every node type by global ID."""

from __future__ import annotations

import base64
from datetime import date

import strawberry

from server.content.models import EventFormat, ParticipantRole, Platform
from server.database import Database
from tests.factories import (
    make_committee,
    make_event,
    make_organisation,
    make_person,
    make_topic,
)
from tests.schema.conftest import ContextFactory

EVENT_BY_SLUG = """
query EventBySlug($slug: String!) {
  event(slug: $slug) {
    id slug title summary body outcomes status place format platform
    dates publishedAt createdAt updatedAt
    image { src alt credit creditUrl }
    committee { slug name }
    participants { role affiliation session person { slug name } }
    topics { slug name }
    recordings { title platform url }
    organisations { role organisation { slug name url } }
  }
}
"""

PERSON_BY_SLUG = """
query PersonBySlug($slug: String!) {
  person(slug: $slug) {
    slug name bio
    links { label url }
    affiliations { title organisation { slug } }
    participations { role event { slug } }
    events { slug }
  }
}
"""

COMMITTEE_BY_SLUG = """
query CommitteeBySlug($slug: String!) {
  committee(slug: $slug) {
    slug name description
    members { role person { slug } }
    events { slug }
  }
}
"""

TOPIC_AND_ORGANISATION = """
query TopicAndOrganisation($topic: String!, $organisation: String!) {
  topic(slug: $topic) { slug name events { slug } }
  organisation(slug: $organisation) { slug name url }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Event { slug }
    ... on Person { slug }
    ... on Committee { slug }
    ... on Topic { slug }
    ... on Organisation { slug }
    ... on Recording { title event { slug } }
  }
}
"""

NODE_IDS = """
query NodeIds($event: String!, $person: String!, $committee: String!, $topic: String!) {
  event(slug: $event) { id recordings { id } organisations { organisation { id } } }
  person(slug: $person) { id }
  committee(slug: $committee) { id }
  topic(slug: $topic) { id }
}
"""


async def test_event_by_slug_has_every_field(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    redress = await make_organisation(slug="redress", name="REDRESS", url="https://redress.org")
    leanna = await make_person(slug="leanna-burnard", name="Leanna Burnard")
    paola = await make_person(slug="paola-gaffurini", name="Paola Gaffurini")
    committee = await make_committee(slug="hrd", name="Human Rights Defenders")
    sanctions = await make_topic(slug="magnitsky-sanctions", name="Magnitsky sanctions")
    await make_event(
        slug="magnitsky-workshops",
        title="Magnitsky Sanctions workshops",
        summary="Workshops.",
        body="Some *Markdown*.",
        outcomes="Lawyers trained.",
        committee=committee,
        dates=[date(2021, 3, 29), date(2021, 5, 17)],
        place="Zoom",
        format=EventFormat.ONLINE,
        platform=Platform.ZOOM,
        image_src="https://example.org/a.jpg",
        image_alt="A workshop",
        image_credit="HRS",
        image_credit_url="https://example.org",
        editor_note="Never shown publicly.",
        participants=[
            {
                "person": leanna,
                "role": ParticipantRole.INSTRUCTOR,
                "affiliation": "Legal Officer, REDRESS",
                "session_date": date(2021, 3, 29),
            },
            (paola, ParticipantRole.INSTRUCTOR),
        ],
        topics=[sanctions],
        organisations=[(redress, "instructors’ organisation")],
        recordings=[{"title": "Part one", "platform": Platform.YOUTUBE, "url": None}],
    )

    result = await schema.execute(
        EVENT_BY_SLUG, variable_values={"slug": "magnitsky-workshops"}, context_value=anonymous()
    )

    assert result.errors is None
    event = result.data["event"]
    assert base64.b64decode(event.pop("id")).decode().startswith("Event:")
    assert event.pop("publishedAt").startswith("2021-01-01T00:00:00")
    assert event.pop("createdAt") and event.pop("updatedAt")
    assert event == {
        "slug": "magnitsky-workshops",
        "title": "Magnitsky Sanctions workshops",
        "summary": "Workshops.",
        "body": "Some *Markdown*.",
        "outcomes": "Lawyers trained.",
        "status": "PUBLISHED",
        "place": "Zoom",
        "format": "ONLINE",
        "platform": "ZOOM",
        "dates": ["2021-03-29", "2021-05-17"],
        "image": {
            "src": "https://example.org/a.jpg",
            "alt": "A workshop",
            "credit": "HRS",
            "creditUrl": "https://example.org",
        },
        "committee": {"slug": "hrd", "name": "Human Rights Defenders"},
        "participants": [
            {
                "role": "INSTRUCTOR",
                "affiliation": "Legal Officer, REDRESS",
                "session": "2021-03-29",
                "person": {"slug": "leanna-burnard", "name": "Leanna Burnard"},
            },
            {
                "role": "INSTRUCTOR",
                "affiliation": None,
                "session": None,
                "person": {"slug": "paola-gaffurini", "name": "Paola Gaffurini"},
            },
        ],
        "topics": [{"slug": "magnitsky-sanctions", "name": "Magnitsky sanctions"}],
        "recordings": [{"title": "Part one", "platform": "YOUTUBE", "url": None}],
        "organisations": [
            {
                "role": "instructors’ organisation",
                "organisation": {
                    "slug": "redress",
                    "name": "REDRESS",
                    "url": "https://redress.org",
                },
            }
        ],
    }


async def test_editor_note_is_not_part_of_the_schema(schema: strawberry.Schema) -> None:
    event_type = schema.get_type_by_name("Event")

    assert event_type is not None
    assert "editor_note" not in {field.python_name for field in event_type.fields}


async def test_unknown_slugs_give_null(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    for document, key in [
        (EVENT_BY_SLUG, "event"),
        (PERSON_BY_SLUG, "person"),
        (COMMITTEE_BY_SLUG, "committee"),
    ]:
        result = await schema.execute(
            document, variable_values={"slug": "nobody"}, context_value=anonymous()
        )

        assert result.errors is None
        assert result.data == {key: None}


async def test_person_by_slug_has_links_affiliations_and_their_events(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    redress = await make_organisation(slug="redress")
    person = await make_person(
        slug="celeste-kmiotek",
        name="Celeste Kmiotek",
        bio="Legal fellow.",
        links=[{"label": "Profile", "url": "https://redress.org/celeste"}],
        affiliations=[("Legal fellow", redress), ("Alumna", None)],
    )
    await make_event(slug="older", dates=[date(2020, 1, 1)], participants=[person])
    # Two roles at one event: two participations, but the event is listed once.
    await make_event(
        slug="newer",
        dates=[date(2021, 1, 1)],
        participants=[(person, ParticipantRole.HOST), (person, ParticipantRole.SPEAKER)],
    )

    result = await schema.execute(
        PERSON_BY_SLUG, variable_values={"slug": "celeste-kmiotek"}, context_value=anonymous()
    )

    assert result.errors is None
    assert result.data == {
        "person": {
            "slug": "celeste-kmiotek",
            "name": "Celeste Kmiotek",
            "bio": "Legal fellow.",
            "links": [{"label": "Profile", "url": "https://redress.org/celeste"}],
            "affiliations": [
                {"title": "Legal fellow", "organisation": {"slug": "redress"}},
                {"title": "Alumna", "organisation": None},
            ],
            "participations": [
                {"role": "HOST", "event": {"slug": "newer"}},
                {"role": "SPEAKER", "event": {"slug": "newer"}},
                {"role": "SPEAKER", "event": {"slug": "older"}},
            ],
            "events": [{"slug": "newer"}, {"slug": "older"}],
        }
    }


async def test_committee_by_slug_has_members_and_events(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    esra = await make_person(slug="esra")
    john = await make_person(slug="john")
    committee = await make_committee(
        slug="justice-corner",
        name="Justice Corner",
        description="Talks.",
        members=[(esra, "co-chair"), (john, "member")],
    )
    await make_event(slug="first", committee=committee, dates=[date(2021, 1, 1)])
    await make_event(slug="second", committee=committee, dates=[date(2021, 2, 1)])
    await make_event(slug="elsewhere")

    result = await schema.execute(
        COMMITTEE_BY_SLUG, variable_values={"slug": "justice-corner"}, context_value=anonymous()
    )

    assert result.errors is None
    assert result.data == {
        "committee": {
            "slug": "justice-corner",
            "name": "Justice Corner",
            "description": "Talks.",
            "members": [
                {"role": "co-chair", "person": {"slug": "esra"}},
                {"role": "member", "person": {"slug": "john"}},
            ],
            "events": [{"slug": "second"}, {"slug": "first"}],
        }
    }


async def test_topic_and_organisation_by_slug(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    climate = await make_topic(slug="climate", name="Climate")
    await make_organisation(slug="open-dialogue", name="Open Dialogue", url=None)
    await make_event(slug="earth-day", topics=[climate])

    result = await schema.execute(
        TOPIC_AND_ORGANISATION,
        variable_values={"topic": "climate", "organisation": "open-dialogue"},
        context_value=anonymous(),
    )

    assert result.errors is None
    assert result.data == {
        "topic": {"slug": "climate", "name": "Climate", "events": [{"slug": "earth-day"}]},
        "organisation": {"slug": "open-dialogue", "name": "Open Dialogue", "url": None},
    }


async def test_nested_event_lists_take_a_first_argument(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    committee = await make_committee(slug="busy")
    for day in range(1, 6):
        await make_event(slug=f"day-{day}", committee=committee, dates=[date(2021, 1, day)])

    result = await schema.execute(
        '{ committee(slug: "busy") { latest: events(first: 2) { slug } all: events { slug } } }',
        context_value=anonymous(),
    )

    assert result.errors is None
    assert result.data == {
        "committee": {
            "latest": [{"slug": "day-5"}, {"slug": "day-4"}],
            "all": [{"slug": f"day-{day}"} for day in range(5, 0, -1)],
        }
    }


async def test_every_node_type_round_trips_through_its_global_id(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    person = await make_person(slug="leanna")
    committee = await make_committee(slug="hrd")
    topic = await make_topic(slug="sanctions")
    organisation = await make_organisation(slug="redress")
    await make_event(
        slug="workshop",
        committee=committee,
        participants=[person],
        topics=[topic],
        organisations=[organisation],
        recordings=["Part one"],
    )
    ids = await schema.execute(
        NODE_IDS,
        variable_values={
            "event": "workshop",
            "person": "leanna",
            "committee": "hrd",
            "topic": "sanctions",
        },
        context_value=anonymous(),
    )
    assert ids.errors is None
    expected = [
        (ids.data["event"]["id"], {"__typename": "Event", "slug": "workshop"}),
        (ids.data["person"]["id"], {"__typename": "Person", "slug": "leanna"}),
        (ids.data["committee"]["id"], {"__typename": "Committee", "slug": "hrd"}),
        (ids.data["topic"]["id"], {"__typename": "Topic", "slug": "sanctions"}),
        (
            ids.data["event"]["organisations"][0]["organisation"]["id"],
            {"__typename": "Organisation", "slug": "redress"},
        ),
        (
            ids.data["event"]["recordings"][0]["id"],
            {"__typename": "Recording", "title": "Part one", "event": {"slug": "workshop"}},
        ),
    ]

    for global_id, node in expected:
        result = await schema.execute(
            NODE, variable_values={"id": global_id}, context_value=anonymous()
        )

        assert result.errors is None
        assert result.data == {"node": {"id": global_id, **node}}


async def test_node_ids_are_base64_of_type_and_primary_key(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    event = await make_event(slug="workshop")
    global_id = base64.b64encode(f"Event:{event.id}".encode()).decode()

    result = await schema.execute(
        NODE, variable_values={"id": global_id}, context_value=anonymous()
    )

    assert result.errors is None
    assert result.data == {"node": {"__typename": "Event", "id": global_id, "slug": "workshop"}}


async def test_node_is_null_for_an_id_that_names_nothing(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    for raw in ["Event:999999", "Person:not-a-number"]:
        global_id = base64.b64encode(raw.encode()).decode()

        result = await schema.execute(
            NODE, variable_values={"id": global_id}, context_value=anonymous()
        )

        assert result.errors is None
        assert result.data == {"node": None}


async def test_node_rejects_an_id_that_is_not_a_global_id(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    for bad in ["garbage", base64.b64encode(b"PageInfo:1").decode()]:
        result = await schema.execute(NODE, variable_values={"id": bad}, context_value=anonymous())

        assert result.errors is not None
        assert result.data is None or result.data == {"node": None}
