"""The content write services: business rules as plain async functions taking a viewer and input.

Each kind has `validate_<kind>(input, lookup=...) -> list[FieldError]`, which reports every
rule the input breaks without writing, and `upsert_<kind>(viewer, input) -> (row, Change)`,
which creates or updates the row with the input's slug (and its child lists) or raises a
`server.content.errors.ContentError`.
"""

from server.content.services.committees import upsert_committee, validate_committee
from server.content.services.events import delete_event, upsert_event, validate_event
from server.content.services.inputs import (
    AffiliationInput,
    CommitteeInput,
    CommitteeMemberInput,
    EventInput,
    EventOrganisationInput,
    ImageInput,
    LinkInput,
    OrganisationInput,
    ParticipantInput,
    PersonInput,
    RecordingInput,
    TopicInput,
)
from server.content.services.organisations import upsert_organisation, validate_organisation
from server.content.services.people import delete_person, upsert_person, validate_person
from server.content.services.topics import upsert_topic, validate_topic
from server.content.services.validation import DatabaseLookup, PendingLookup, SlugLookup
from server.content.services.writes import Change

__all__ = [
    "AffiliationInput",
    "Change",
    "CommitteeInput",
    "CommitteeMemberInput",
    "DatabaseLookup",
    "EventInput",
    "EventOrganisationInput",
    "ImageInput",
    "LinkInput",
    "OrganisationInput",
    "ParticipantInput",
    "PendingLookup",
    "PersonInput",
    "RecordingInput",
    "SlugLookup",
    "TopicInput",
    "delete_event",
    "delete_person",
    "upsert_committee",
    "upsert_event",
    "upsert_organisation",
    "upsert_person",
    "upsert_topic",
    "validate_committee",
    "validate_event",
    "validate_organisation",
    "validate_person",
    "validate_topic",
]
