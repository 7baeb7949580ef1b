"""Read services for content: plain async functions that take the viewer and return rows.

The GraphQL layer (and anything else that reads content) goes through these,
so that what a viewer may see is decided here and nowhere else.
"""

from server.content.queries.directory import (
    affiliations_by_person_ids,
    get_committee_by_slug,
    get_organisation_by_slug,
    get_person_by_slug,
    get_topic_by_slug,
    list_committees,
    list_organisations,
    list_people,
    list_topics,
    members_by_committee_ids,
    organisations_by_ids,
    topics_by_ids,
)
from server.content.queries.event_parts import (
    organisations_by_event_ids,
    participations_by_person_ids,
    recordings_by_event_ids,
    recordings_by_ids,
)
from server.content.queries.events import (
    EventFilter,
    EventOrder,
    EventOrderField,
    events_by_committee_ids,
    events_by_ids,
    events_by_person_ids,
    events_by_topic_ids,
    get_event_by_slug,
    list_events,
    visible_events,
)
from server.content.queries.paging import OrderDirection, Page, PageRequest
from server.content.queries.revisions import revisions_by_event_ids
from server.content.queries.rows import (
    committees_by_ids,
    people_by_ids,
    relations_by_event_ids,
)

__all__ = [
    "EventFilter",
    "EventOrder",
    "EventOrderField",
    "OrderDirection",
    "Page",
    "PageRequest",
    "affiliations_by_person_ids",
    "committees_by_ids",
    "events_by_committee_ids",
    "events_by_ids",
    "events_by_person_ids",
    "events_by_topic_ids",
    "get_committee_by_slug",
    "get_event_by_slug",
    "get_organisation_by_slug",
    "get_person_by_slug",
    "get_topic_by_slug",
    "list_committees",
    "list_events",
    "list_organisations",
    "list_people",
    "list_topics",
    "members_by_committee_ids",
    "organisations_by_event_ids",
    "organisations_by_ids",
    "participations_by_person_ids",
    "people_by_ids",
    "recordings_by_event_ids",
    "recordings_by_ids",
    "relations_by_event_ids",
    "revisions_by_event_ids",
    "topics_by_ids",
    "visible_events",
]
